// The Debian packages an SBOM lists, checked against the packages an image's status.d records: a scanner reads the
// SBOM's versions, so they must be the installed ones.
import { AirlockError } from '../errors.js';
import type { InstalledPackage } from './image-packages.js';
import { parseDebPurl } from './purl.js';

/** One Debian package as an SBOM states it (every place it states a version). */
export interface SbomPackage {
  name: string;
  /** SPDX versionInfo / CycloneDX version. */
  version: string;
  /** The version in its purl. */
  purlVersion: string;
  architecture: string;
  /** "SOURCE SOURCE-VERSION" from SPDX sourceInfo or the CycloneDX airlock:deb:source property, when given. */
  source?: string;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const array = (x: unknown): Json[] => (Array.isArray(x) ? x.filter((v) => v && typeof v === 'object') : []);

/** Debian packages of an SPDX 2.3 document (packages with a pkg:deb purl). */
function spdxPackages(doc: Json): SbomPackage[] {
  const out: SbomPackage[] = [];
  for (const p of array(doc.packages)) {
    const purl = array(p.externalRefs).map((r) => parseDebPurl(String(r.referenceLocator ?? ''))).find(Boolean);
    if (!purl) continue;
    const src = /^built package from: (.+)$/.exec(String(p.sourceInfo ?? ''))?.[1];
    out.push({
      name: String(p.name ?? purl.name), version: String(p.versionInfo ?? ''), purlVersion: purl.version,
      architecture: purl.architecture ?? '', ...(src ? { source: src } : {}),
    });
  }
  return out;
}

/** Debian packages of a CycloneDX 1.6 document (components with a pkg:deb purl). */
function cyclonedxPackages(doc: Json): SbomPackage[] {
  const out: SbomPackage[] = [];
  for (const c of array(doc.components)) {
    const purl = parseDebPurl(String(c.purl ?? ''));
    if (!purl) continue;
    const prop = (n: string) => array(c.properties).find((x) => x.name === n)?.value as string | undefined;
    const src = prop('airlock:deb:source');
    out.push({
      name: String(c.name ?? purl.name), version: String(c.version ?? ''), purlVersion: purl.version,
      architecture: prop('airlock:deb:architecture') ?? purl.architecture ?? '', ...(src ? { source: src } : {}),
    });
  }
  return out;
}

/** The Debian packages an SPDX or CycloneDX document lists. */
export function sbomPackages(kind: 'spdx' | 'cyclonedx', doc: unknown): SbomPackage[] {
  const d = (doc && typeof doc === 'object' ? doc : {}) as Json;
  return kind === 'spdx' ? spdxPackages(d) : cyclonedxPackages(d);
}

/**
 * "SOURCE VERSION" of an installed package, as the SBOMs write it. Without a Source field only the version is known
 * (Debian means the package itself, but images not written by airlock may leave the field out): `name` is undefined.
 */
export function installedSource(p: InstalledPackage): { name?: string; version: string; text: string } {
  const m = p.source ? /^(\S+)(?:\s+\(\s*([^)\s]+)\s*\))?/.exec(p.source.trim()) : null;
  const version = m?.[2] ?? p.version;
  return m ? { name: m[1]!, version, text: `${m[1]} ${version}` } : { version, text: `${p.name} ${version}` };
}

/** Whether an SBOM's "SOURCE VERSION" agrees with the installed package. */
function sameSource(listed: string, p: InstalledPackage): boolean {
  const want = installedSource(p);
  const [name, version] = listed.split(' ');
  return version === want.version && (want.name === undefined || name === want.name);
}

/** Each way the SBOM's packages differ from the installed ones (empty when they agree). */
export function sbomDifferences(sbom: SbomPackage[], installed: InstalledPackage[]): string[] {
  const out: string[] = [];
  const key = (name: string, arch: string) => `${name}:${arch}`;
  const have = new Map(installed.map((p) => [key(p.name, p.architecture), p]));
  const listed = new Set<string>();
  for (const s of sbom) {
    const k = key(s.name, s.architecture);
    listed.add(k);
    const p = have.get(k);
    if (!p) { out.push(`${s.name} ${s.version} (${s.architecture}) is listed but not installed`); continue; }
    if (s.version !== p.version) out.push(`${s.name}: version ${s.version} listed, ${p.version} installed`);
    if (s.purlVersion !== p.version) {
      out.push(`${s.name}: purl version ${s.purlVersion} listed, ${p.version} installed`);
    }
    if (s.source !== undefined && !sameSource(s.source, p)) {
      out.push(`${s.name}: source ${s.source} listed, ${installedSource(p).text} installed`);
    }
  }
  for (const p of installed) {
    if (!listed.has(key(p.name, p.architecture))) out.push(`${p.name} ${p.version} is installed but not listed`);
  }
  return out;
}

/** Throws (exit 6, `sbom-packages-mismatch`) unless the SBOM lists exactly the installed packages and versions. */
export function checkSbomPackages(what: string, sbom: SbomPackage[], installed: InstalledPackage[]): void {
  const diffs = sbomDifferences(sbom, installed);
  if (diffs.length === 0) return;
  const shown = diffs.slice(0, 5).join('; ') + (diffs.length > 5 ? `; and ${diffs.length - 5} more` : '');
  throw new AirlockError('policy', 'sbom-packages-mismatch', `${what} differs from the image's status.d: ${shown}`, {
    hint: 'the SBOM does not describe this image; rebuild to write it again from the verified packages',
  });
}

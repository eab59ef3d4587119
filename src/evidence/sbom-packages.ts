// The Debian packages an SBOM lists, checked against the packages an image's status.d records: a scanner reads the
// SBOM's versions, so they must be the installed ones.
import { AirlockError } from '../errors.js';
import type { InstalledPackage } from './image-packages.js';
import { cmp } from './input.js';
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
  /**
   * The files it lists as present (relative paths, sorted), for a package the image holds only part of: SPDX's
   * files it CONTAINS when filesAnalyzed, CycloneDX's nested file components. Absent: the whole package.
   */
  files?: string[];
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const array = (x: unknown): Json[] => (Array.isArray(x) ? x.filter((v) => v && typeof v === 'object') : []);

/** Relative image paths, sorted: "./usr/x" (SPDX) and "/usr/x" (CycloneDX) both become "usr/x". */
const relativePaths = (names: unknown[]) => names.map((n) => String(n).replace(/^\.?\/+/, '')).sort(cmp);

/** Debian packages of an SPDX 2.3 document (packages with a pkg:deb purl). */
function spdxPackages(doc: Json): SbomPackage[] {
  const out: SbomPackage[] = [];
  const fileNames = new Map(array(doc.files).map((f) => [f.SPDXID, f.fileName]));
  const contains = array(doc.relationships).filter((r) => r.relationshipType === 'CONTAINS');
  for (const p of array(doc.packages)) {
    const purl = array(p.externalRefs).map((r) => parseDebPurl(String(r.referenceLocator ?? ''))).find(Boolean);
    if (!purl) continue;
    const src = /^built package from: (.+)$/.exec(String(p.sourceInfo ?? ''))?.[1];
    const files = contains.filter((r) => r.spdxElementId === p.SPDXID).map((r) => fileNames.get(r.relatedSpdxElement));
    out.push({
      name: String(p.name ?? purl.name), version: String(p.versionInfo ?? ''), purlVersion: purl.version,
      architecture: purl.architecture ?? '', ...(src ? { source: src } : {}),
      ...(p.filesAnalyzed === true ? { files: relativePaths(files.filter((f) => f !== undefined)) } : {}),
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
    const files = array(c.components).filter((f) => f.type === 'file').map((f) => f.name);
    out.push({
      name: String(c.name ?? purl.name), version: String(c.version ?? ''), purlVersion: purl.version,
      architecture: prop('airlock:deb:architecture') ?? purl.architecture ?? '', ...(src ? { source: src } : {}),
      ...(prop('airlock:deb:sliced') === 'true' || files.length ? { files: relativePaths(files) } : {}),
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

/** How a sliced package's listed files differ from the paths its md5sums in the image names. */
function fileDifferences(name: string, listed: string[], installed: string[]): string[] {
  const have = new Set(installed);
  const want = new Set(listed);
  const some = (ps: string[]) => ps.slice(0, 3).map((p) => `/${p}`).join(', ') + (ps.length > 3 ? ', …' : '');
  const absent = listed.filter((f) => !have.has(f));
  const unlisted = installed.filter((f) => !want.has(f));
  const out: string[] = [];
  if (absent.length) out.push(`${name}: ${absent.length} file(s) listed that its md5sums do not name (${some(absent)})`);
  if (unlisted.length) out.push(`${name}: ${unlisted.length} file(s) in its md5sums not listed (${some(unlisted)})`);
  return out;
}

/** How many packages' file lists an SBOM and the image both give (what a check of them compared). */
export function comparedFileLists(sbom: SbomPackage[], installed: InstalledPackage[]): number {
  const withFiles = new Set(installed.filter((p) => p.files).map((p) => `${p.name}:${p.architecture}`));
  return sbom.filter((s) => s.files && withFiles.has(`${s.name}:${s.architecture}`)).length;
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
    if (s.files && p.files) out.push(...fileDifferences(s.name, s.files, p.files));
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

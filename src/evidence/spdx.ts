// SPDX 2.3 JSON for one image variant: the image as the described root, its .debs, npm components and artifacts.
import {
  checkInput, digestHex, integrityHex, licenseExpression, sortedPackages, sortedUpstream, cmp,
  type EvidenceInput, type EvidencePackage, type PackageFile, type UpstreamComponent,
} from './input.js';
import { licenseRef, spdxExpression, spdxId } from './licenses.js';
import { presentFiles, verificationCode } from './package-files.js';
import { debPurl, npmPurl, ociPurl } from './purl.js';
import { isoSeconds } from './time.js';
import { stableJson } from '../image/json.js';

type Json = Record<string, unknown>;

function spdxSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]+/g, '-');
}

/** SPDX id of a Debian package in our documents. */
export function spdxPackageId(p: { name: string; architecture: string }): string {
  return `SPDXRef-Package-deb-${spdxSafe(p.name)}-${spdxSafe(p.architecture)}`;
}

/** SPDX ids of npm components, `SPDXRef-Package-npm-<name>` (`@a/b` → `a-b`), with `-2`, `-3`… where two names sanitize alike. */
function npmPackageIds(cs: readonly UpstreamComponent[]): string[] {
  const used = new Set<string>();
  return cs.map((c) => {
    const base = `SPDXRef-Package-npm-${spdxSafe(c.name.replace(/^@/, ''))}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  });
}

/** licenseDeclared of an npm component and the LicenseRefs it uses (id → name). */
function npmLicense(c: UpstreamComponent): { declared: string; refs: [string, string][] } {
  if (!c.license) return { declared: 'NOASSERTION', refs: [] };
  const expr = licenseExpression(c.license);
  if (!expr) return { declared: licenseRef(c.license), refs: [[licenseRef(c.license), c.license]] };
  const refs = (expr.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []).map((r): [string, string] => [r, r.slice('LicenseRef-'.length)]);
  return { declared: expr, refs };
}

function supplier(maintainer: string | undefined): string {
  if (!maintainer) return 'NOASSERTION';
  const m = /^(.*?)\s*<([^>]*)>\s*$/.exec(maintainer);
  return m ? `Organization: ${m[1]} (${m[2]})` : `Organization: ${maintainer}`;
}

/**
 * filesAnalyzed of a Debian package. A whole package lists no files (its .deb's checksum says what it holds): false.
 * A sliced one lists the files present, and SPDX 2.3 §7.8 says a package with files must not be `false`; `true` asks
 * for the verification code over them (Trivy writes the same). The comment says why the checksum, of the whole .deb,
 * covers more than the image holds.
 */
function analyzed(files: PackageFile[] | undefined): Json {
  if (!files) return { filesAnalyzed: false };
  return {
    filesAnalyzed: true,
    packageVerificationCode: { packageVerificationCodeValue: verificationCode(files) },
    comment: `sliced by airlock: of this package the image holds only the ${files.length} files it CONTAINS (symlinks `
      + 'aside); the checksum is of the whole .deb',
  };
}

/** File elements of a sliced package's present files, each with the package that CONTAINS it. */
function packageFiles(p: EvidencePackage): { of: string; file: Json }[] {
  const of = spdxPackageId(p);
  const prefix = of.replace(/^SPDXRef-Package-/, 'SPDXRef-File-');
  return (presentFiles(p) ?? []).map((f, i) => ({
    of,
    file: {
      SPDXID: `${prefix}-${i + 1}`,
      fileName: `./${f.path}`,
      // SHA1 is the one checksum SPDX 2.3 requires of a file; SHA256 is the one the rest of our evidence uses.
      checksums: [{ algorithm: 'SHA1', checksumValue: f.sha1 }, { algorithm: 'SHA256', checksumValue: f.sha256 }],
      licenseConcluded: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
    },
  }));
}

/** The SPDX 2.3 document (as a plain object) for one variant. */
export function spdxDocument(input: EvidenceInput): Json {
  checkInput(input);
  const hex = digestHex(input.imageDigest, 'image digest');
  const pkgs = sortedPackages(input.packages);
  const names = new Map(pkgs.map((p) => [p.name, p]));
  const image: Json = {
    SPDXID: 'SPDXRef-Image',
    name: input.name,
    versionInfo: input.tag,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: 'CONTAINER',
    checksums: [{ algorithm: 'SHA256', checksumValue: hex }],
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: ociPurl(input.name, input.imageDigest) }],
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    comment: `airlock ${input.variant} image`,
  };
  const debs: Json[] = pkgs.map((p) => ({
    SPDXID: spdxPackageId(p),
    name: p.name,
    versionInfo: p.version,
    packageFileName: p.filename.split('/').pop(),
    supplier: supplier(p.maintainer),
    downloadLocation: 'NOASSERTION',
    ...analyzed(presentFiles(p)),
    checksums: [{ algorithm: 'SHA256', checksumValue: p.sha256 }],
    sourceInfo: `built package from: ${p.source} ${p.sourceVersion ?? p.version}`,
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: debPurl(p, input.distro) }],
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: spdxExpression(p.licenses),
    copyrightText: 'NOASSERTION',
  }));
  const debFiles = pkgs.flatMap((p) => packageFiles(p));
  const upstream = sortedUpstream(input.upstream ?? []);
  const npmIds = npmPackageIds(upstream);
  const npmLicenses = upstream.map(npmLicense);
  const npms: Json[] = upstream.map((c, i) => ({
    SPDXID: npmIds[i],
    name: c.name,
    versionInfo: c.version,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    checksums: [{ algorithm: 'SHA512', checksumValue: integrityHex(c.integrity, `npm component ${c.name}`) }],
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: npmPurl(c) }],
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: npmLicenses[i]!.declared,
    copyrightText: 'NOASSERTION',
    comment: `from the npm registry, not from Debian; in the image at /${c.path}`,
  }));
  const artifacts = [...input.artifacts].sort((a, b) => cmp(a.path, b.path));
  const files: Json[] = artifacts.map((a, i) => ({
    SPDXID: `SPDXRef-File-${i + 1}`,
    fileName: `./${a.path}`,
    checksums: [{ algorithm: 'SHA256', checksumValue: a.sha256 }],
    fileTypes: ['BINARY'],
    licenseConcluded: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    ...(a.step ? { comment: `produced by build step '${a.step}'` } : {}),
    ...(a.madeFrom ? { comment: `made by airlock in place of the file of Debian package ${a.madeFrom.package}: ${a.madeFrom.how}` } : {}),
  }));
  const rel = (a: string, type: string, b: string) => ({ spdxElementId: a, relationshipType: type, relatedSpdxElement: b });
  const relationships = [rel('SPDXRef-DOCUMENT', 'DESCRIBES', 'SPDXRef-Image')];
  for (const p of pkgs) relationships.push(rel('SPDXRef-Image', 'CONTAINS', spdxPackageId(p)));
  for (const id of npmIds) relationships.push(rel('SPDXRef-Image', 'CONTAINS', id));
  for (const f of files) relationships.push(rel('SPDXRef-Image', 'CONTAINS', f.SPDXID as string));
  for (const { of, file } of debFiles) relationships.push(rel(of, 'CONTAINS', file.SPDXID as string));
  artifacts.forEach((a, i) => {
    const from = a.madeFrom && names.get(a.madeFrom.package);
    if (from) relationships.push(rel(files[i]!.SPDXID as string, 'GENERATED_FROM', spdxPackageId(from)));
  });
  for (const p of pkgs) {
    for (const d of [...new Set(p.depends)].sort()) {
      const dep = names.get(d);
      if (dep && dep !== p) relationships.push(rel(spdxPackageId(p), 'DEPENDS_ON', spdxPackageId(dep)));
    }
  }
  const unknown = [...new Set(pkgs.flatMap((p) => p.licenses ?? []).filter((n) => !spdxId(n)))].sort();
  const extracted = [...new Map(unknown.map((n) => [licenseRef(n), n])).entries()].map(([id, n]) => ({
    licenseId: id,
    name: n,
    extractedText: `License named '${n}' in a Debian copyright file; the text is in /usr/share/doc/<package>/copyright.`,
  }));
  const npmRefs = new Map(npmLicenses.flatMap((l) => l.refs).filter(([id]) => !extracted.some((e) => e.licenseId === id)));
  for (const [id, n] of [...npmRefs].sort(([a], [b]) => cmp(a, b))) {
    extracted.push({ licenseId: id, name: n, extractedText: `License named '${n}' in the package.json of an npm package; the text ships with that package.` });
  }
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${input.name}:${input.tag} (${input.variant})`,
    documentNamespace: `https://airlock.dev/spdx/${encodeURIComponent(input.name)}/${input.variant}/sha256-${hex}`,
    creationInfo: { created: isoSeconds(input.epoch), creators: [`Tool: airlock-${input.builder.version}`] },
    packages: [image, ...debs, ...npms],
    ...(files.length || debFiles.length ? { files: [...files, ...debFiles.map((f) => f.file)] } : {}),
    ...(extracted.length ? { hasExtractedLicensingInfos: extracted } : {}),
    relationships,
  };
}

/** The SPDX document as the exact bytes written to `<variant>.spdx.json`. */
export function spdxJson(input: EvidenceInput): string {
  return stableJson(spdxDocument(input));
}

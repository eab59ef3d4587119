// What the evidence generators need to know about one built variant (all explicit, no I/O).
import { AirlockError } from '../errors.js';
import type { LockedPackage } from '../debian/types.js';

/** A locked package plus what the build could read about it. */
export interface EvidencePackage extends LockedPackage {
  /** License names from /usr/share/doc/NAME/copyright (Debian short names or SPDX ids), when known. */
  licenses?: string[];
}

/** A file that crossed the airlock from the builder into the image. */
export interface EvidenceArtifact {
  /** Path inside the image, relative, no leading '/'. */
  path: string;
  sha256: string;
  size: number;
  /** Name of the build step that produced it, when known. */
  step?: string;
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
}

/** The SLSA build type airlock builds are described with. */
export const AIRLOCK_BUILD_TYPE = 'https://airlock.dev/build/v1';

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const HEX = /^[0-9a-f]{64}$/;

/** Hex part of a `sha256:<hex>` digest, after checking its form. */
export function digestHex(digest: string, what: string): string {
  if (!DIGEST.test(digest)) throw new AirlockError('internal', 'bad-digest', `${what} is not a sha256 digest: '${digest}'`);
  return digest.slice(7);
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
  for (const a of input.artifacts) {
    if (!HEX.test(a.sha256)) throw new AirlockError('internal', 'bad-digest', `artifact ${a.path} has a malformed sha256 '${a.sha256}'`);
  }
}

/** Packages sorted by name then architecture (the order of every list in the evidence). */
export function sortedPackages<T extends { name: string; architecture: string }>(ps: readonly T[]): T[] {
  return [...ps].sort((a, b) => (a.name === b.name ? cmp(a.architecture, b.architecture) : cmp(a.name, b.name)));
}

/** Byte-wise string comparison (locale-independent). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

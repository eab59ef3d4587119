// Shapes of the lock file shared by the package engine and everything that reads a lock.
import type { LockedUpstream } from '../upstream/types.js';

/** One exact Debian binary package, as recorded in airlock.lock.json. */
export interface LockedPackage {
  name: string;
  version: string;
  architecture: string;
  /** Source package name (the `Source:` field, or the package name when absent). */
  source: string;
  /** Source version when it differs from `version` (e.g. binNMUs), else undefined. */
  sourceVersion?: string;
  /** Size of the .deb in bytes. */
  size: number;
  /** sha256 of the .deb, lowercase hex. */
  sha256: string;
  /** Repository-relative path, e.g. "pool/main/g/glibc/libc6_2.36-9+deb12u9_amd64.deb". */
  filename: string;
  /** Index (into Lock.repositories) of the repository it comes from. */
  repository: number;
  /** Names of locked packages this one depends on (Depends + Pre-Depends, alternatives and virtuals resolved within the set). */
  depends: string[];
  installedSize?: number;
  maintainer?: string;
  description?: string;
}

export interface LockedRepository {
  /** Base URI of the archive, read from the apt sources at lock time. */
  uri: string;
  suite: string;
  components: string[];
  /** sha256 of the InRelease file used. */
  inRelease: string;
}

export interface Lock {
  lockVersion: 1;
  /** e.g. "bookworm" */
  codename: string;
  /** e.g. "12" */
  osVersion: string;
  architecture: string;
  /** sha256 of the normalized config's package-relevant inputs; a build compares it to detect a stale lock. */
  configDigest: string;
  repositories: LockedRepository[];
  /** Seconds since the epoch of the newest InRelease Date: a clock for images when nothing else gives one. */
  indexEpoch: number;
  sets: {
    /** Everything installed in the builder root file system. */
    builder: LockedPackage[];
    /** Declared runtime packages and their closure within the builder set (prod content before the ELF closure). */
    runtime: LockedPackage[];
  };
  /** Toolchain packages from the npm registry (the official Node.js build and npm) when Debian lacks the version asked for. */
  upstream?: LockedUpstream[];
}

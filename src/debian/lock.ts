// The lock file: stable serialization (byte-identical when unchanged), atomic write, staleness checks. Validated
// parsing is in lock-parse.ts (it loads the schema library, which a rebuild with an unchanged lock does without).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AirlockError } from '../errors.js';
import type { Lock, LockedPackage, LockedRepository } from './types.js';
import { writeFileAtomicSync } from '../files/atomic.js';
import { requestName } from './closure.js';

const byName = (a: LockedPackage, b: LockedPackage) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.architecture < b.architecture ? -1 : 1);

function orderPkg(p: LockedPackage): LockedPackage {
  return {
    name: p.name, version: p.version, architecture: p.architecture, source: p.source, sourceVersion: p.sourceVersion,
    size: p.size, sha256: p.sha256, filename: p.filename, repository: p.repository, depends: [...p.depends].sort(),
    installedSize: p.installedSize, maintainer: p.maintainer, description: p.description,
  };
}

const orderRepo = (r: LockedRepository): LockedRepository => ({ uri: r.uri, suite: r.suite, components: [...r.components], inRelease: r.inRelease });

/** Serializes a lock: fixed key order, packages sorted by name, 2-space JSON and a final newline. */
export function serializeLock(lock: Lock): string {
  const ordered: Lock = {
    lockVersion: 1, codename: lock.codename, osVersion: lock.osVersion, architecture: lock.architecture,
    configDigest: lock.configDigest, repositories: lock.repositories.map(orderRepo), indexEpoch: lock.indexEpoch,
    sets: { builder: [...lock.sets.builder].sort(byName).map(orderPkg), runtime: [...lock.sets.runtime].sort(byName).map(orderPkg) },
    ...(lock.upstream?.length ? {
      upstream: [...lock.upstream].sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0))
        .map((u) => ({ registry: u.registry, role: u.role, name: u.name, version: u.version, integrity: u.integrity, license: u.license })),
    } : {}),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** The lock file for a config file: `airlock.lock.json` beside it. */
export function lockPath(configFile: string, architecture?: string): string {
  return join(dirname(configFile), architecture ? `airlock.lock.${architecture}.json` : 'airlock.lock.json');
}

/**
 * The lock of a config as it builds now: `airlock.lock.json` when it builds for one architecture, else one lock per
 * architecture, `airlock.lock.<arch>.json` (each platform resolves, fetches and builds from its own).
 */
export function configLockPath(config: { file: string; debian: { architecture: string; architectures: string[] } }): string {
  return lockPath(config.file, config.debian.architectures.length > 1 ? config.debian.architecture : undefined);
}

/** Every lock file a config has (one, or one per architecture). */
export function configLockPaths(config: { file: string; debian: { architectures: string[] } }): string[] {
  const { architectures } = config.debian;
  return architectures.length > 1 ? architectures.map((a) => lockPath(config.file, a)) : [lockPath(config.file)];
}

/** Writes the lock atomically (temp file + rename); returns whether the bytes changed. */
export function writeLock(file: string, lock: Lock): boolean {
  const text = serializeLock(lock);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false;
  writeFileAtomicSync(file, text); // fsynced before the rename: a crash leaves the old lock or the new one
  return true;
}

/** One reason a lock is stale. */
export interface LockDifference {
  /** "configDigest", "builder", "runtime" or "package" */
  what: string;
  /** Package name when about a package. */
  package?: string;
  message: string;
}

/**
 * Compares a lock with the current inputs: the config digest, and that every requested package (and pinned version)
 * is in the right set. `obtainable` (optional) reports locked packages no longer downloadable nor cached.
 */
export function checkLock(
  lock: Lock,
  want: { configDigest: string; builder: string[]; runtime: string[]; upstream?: { role: string; name: string }[] },
  obtainable?: (p: LockedPackage) => boolean,
): LockDifference[] {
  const diffs: LockDifference[] = [];
  if (lock.configDigest !== want.configDigest) {
    diffs.push({ what: 'configDigest', message: `config changed since locking (lock has configDigest ${lock.configDigest.slice(0, 12)}…, config is ${want.configDigest.slice(0, 12)}…)` });
  }
  for (const [setName, reqs] of [['builder', [...want.builder, ...want.runtime]], ['runtime', want.runtime]] as const) {
    const set = new Map(lock.sets[setName].map((p) => [p.name, p]));
    for (const r of reqs) {
      const name = requestName(r);
      const p = set.get(name);
      const pin = r.includes('=') ? r.slice(r.indexOf('=') + 1) : undefined;
      if (!p) diffs.push({ what: setName, package: name, message: `${name} is requested but not in the locked ${setName} set` });
      else if (pin && p.version !== pin) diffs.push({ what: setName, package: name, message: `${name} is pinned to ${pin} but locked at ${p.version}` });
    }
  }
  const wantUp = (want.upstream ?? []).map((u) => `${u.role}:${u.name}`).sort().join(' ');
  const haveUp = (lock.upstream ?? []).map((u) => `${u.role}:${u.name}`).sort().join(' ');
  if (wantUp !== haveUp) {
    diffs.push({ what: 'upstream', message: wantUp ? `the toolchain comes from the npm registry (${wantUp.replace(/\w+:/g, '')}) but the lock ${haveUp ? `has ${haveUp.replace(/\w+:/g, '')}` : 'has no npm-registry packages'}` : `the lock holds npm-registry packages (${haveUp.replace(/\w+:/g, '')}) the config no longer needs` });
  }
  if (obtainable) {
    for (const p of lock.sets.builder) {
      if (!obtainable(p)) diffs.push({ what: 'package', package: p.name, message: `${p.name} ${p.version} (sha256 ${p.sha256.slice(0, 12)}…) is neither cached nor listed in the repositories any more` });
    }
  }
  return diffs;
}

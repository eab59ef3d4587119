// The package engine's entry points for the build: lock the package sets, fetch the locked .debs.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from '../log.js';
import type { Lock, LockedPackage } from './types.js';
import { debPath } from './cache.js';
import { fetchPackages } from './fetch.js';
import { loadPackageIndex, type IndexTarget } from './index.js';
import { resolve } from './resolve.js';
import { parseSources, type AptSource } from './sources.js';

/** The package-relevant inputs of a config. `sources` is deb822 or one-line text, or parsed sources; absent = host's. */
export interface LockRequest {
  builder: string[];
  runtime: string[];
  architecture: string;
  sources?: string | AptSource[];
  keyring?: string;
  configDigest: string;
}

/** Environment of the engine: cache dir, log, network switches; `now` (ms) only decides list freshness. */
export interface EngineOptions {
  cache: string;
  log: Log;
  offline: boolean;
  update?: boolean;
  now?: number;
}

/** Resolves the builder and runtime sets with apt (signature-checked indexes) and returns the lock (not written). */
export async function lockPackages(req: LockRequest, opts: EngineOptions): Promise<Lock> {
  const sources = typeof req.sources === 'string' ? parseSources(req.sources, req.architecture, 'config sources') : req.sources;
  const r = await resolve(
    { builder: req.builder, runtime: req.runtime, architecture: req.architecture, sources, keyring: req.keyring },
    { cacheDir: opts.cache, log: opts.log, offline: opts.offline, update: opts.update ?? false, now: opts.now ?? Date.now() },
  );
  return { ...r, configDigest: req.configDigest };
}

/** Downloads (or finds in the cache) every locked builder .deb, hash-verified; returns sha256 → path in the cache. */
export function fetchLocked(lock: Lock, opts: { cache: string; log: Log; offline: boolean }): Promise<Map<string, string>> {
  return fetchPackages(lock, [...lock.sets.builder, ...lock.sets.runtime], { cacheDir: opts.cache, log: opts.log, offline: opts.offline });
}

/**
 * A checker for `checkLock`: a locked package is obtainable if its .deb is in the cache or its sha256 is listed
 * in any cached Packages index (lists are not refreshed here).
 */
export function obtainableChecker(cache: string, architecture: string): (p: LockedPackage) => boolean {
  let index: ReturnType<typeof loadPackageIndex> | undefined;
  return (p) => {
    if (existsSync(debPath(cache, p.sha256))) return true;
    if (!index) {
      const targets: IndexTarget[] = [];
      const aptRoot = join(cache, 'apt');
      for (const key of existsSync(aptRoot) ? readdirSync(aptRoot) : []) {
        const lists = join(aptRoot, key, 'state', 'lists');
        for (const f of existsSync(lists) ? readdirSync(lists) : []) {
          if (f.endsWith('_Packages')) targets.push({ file: join(lists, f), uri: '', suite: '', component: '', inReleaseFile: '' });
        }
      }
      index = loadPackageIndex(targets, architecture);
    }
    return index.hasSha256(p.sha256);
  };
}

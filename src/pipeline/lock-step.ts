// Lock, then build: use the lock when it matches the config, re-resolve when allowed, refuse when --locked.
import { createHash } from 'node:crypto';
import { AirlockError } from '../errors.js';
import type { Log } from '../log.js';
import { lockPackages, obtainableChecker } from '../debian/engine.js';
import { checkLock, writeLock } from '../debian/lock.js';
import { readLockCached } from './parse-cache.js';
import type { Lock } from '../debian/types.js';
import type { LockedUpstream, UpstreamRequest } from '../upstream/types.js';

export interface PackageRequestSet {
  builder: string[];
  runtime: string[];
  architecture: string;
  sources?: string;
  keyring?: string;
  /** Digest of the config's package-relevant fields (from loadConfig). */
  configDigest: string;
  /** Toolchain packages from the npm registry (when Debian lacks the version asked for). */
  upstream?: UpstreamRequest[];
}

export interface LockStepOptions {
  cache: string;
  log: Log;
  offline: boolean;
  /** Refuse to build when the lock is missing or stale. */
  locked: boolean;
  /** Re-resolve even when the lock matches. */
  update: boolean;
  /** Environment of npm calls (the host's npm configuration); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The digest stored in the lock: the config's digest plus the exact package requests (which also depend on the source tree). */
export function requestDigest(req: PackageRequestSet): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({
    config: req.configDigest, builder: [...req.builder].sort(), runtime: [...req.runtime].sort(), arch: req.architecture,
    ...(req.upstream?.length ? { upstream: req.upstream.map((u) => `${u.role}:${u.name}@${u.range}`).sort() } : {}),
  }));
  return h.digest('hex');
}

/** Returns the lock to build from, writing `file` (the config's lock, src/debian/lock.ts) when it (re)resolves. */
export async function lockStep(file: string, req: PackageRequestSet, opts: LockStepOptions): Promise<{ lock: Lock; file: string; resolved: boolean }> {
  const digest = requestDigest(req);
  const existing = await readLockCached(file, { cacheDir: opts.cache });
  if (existing && !opts.update) {
    const diffs = checkLock(existing, { configDigest: digest, builder: req.builder, runtime: req.runtime, upstream: req.upstream ?? [] }, obtainableChecker(opts.cache, req.architecture));
    if (diffs.length === 0) {
      opts.log.info(`using ${file} (${existing.sets.builder.length} builder packages, ${existing.sets.runtime.length} runtime)`);
      return { lock: existing, file, resolved: false };
    }
    const list = diffs.map((d) => `  - ${d.message}`).join('\n');
    if (opts.locked) {
      throw new AirlockError('packages', 'lock-stale', `--locked: ${file} does not match the config:\n${list}`, { hint: 'run `airlock lock --update` and commit the new lock' });
    }
    opts.log.warn(`${file} is stale, re-resolving:\n${list}`);
  } else if (!existing && opts.locked) {
    throw new AirlockError('packages', 'lock-missing', `--locked: there is no lock file at ${file}`, { hint: 'run `airlock lock` and commit airlock.lock.json' });
  }
  if (opts.locked && opts.update) throw new AirlockError('usage', 'bad-arguments', '--locked and --update contradict each other');
  opts.log.info(`resolving ${req.builder.length + req.runtime.length} requested packages with apt`);
  const lock = await lockPackages(
    { builder: req.builder, runtime: req.runtime, architecture: req.architecture, sources: req.sources, keyring: req.keyring, configDigest: digest },
    { cache: opts.cache, log: opts.log, offline: opts.offline, update: opts.update },
  );
  if (req.upstream?.length) {
    // Registry packages the previous lock holds that still answer the requests are kept (a config change elsewhere
    // does not move node); --update resolves them anew.
    const prior = opts.update ? [] : existing?.upstream ?? [];
    // The registry client and semver, loaded only for a registry toolchain.
    const [{ lockedFor }, { resolveUpstream }] = await Promise.all([import('../upstream/select.js'), import('../upstream/npm.js')]);
    const kept = req.upstream.map((r) => lockedFor(prior, r));
    lock.upstream = kept.every((k) => k !== undefined)
      ? kept as LockedUpstream[]
      : await resolveUpstream(req.upstream, { env: opts.env ?? process.env, log: opts.log, offline: opts.offline, suite: `Debian ${lock.osVersion}`, cache: opts.cache });
  }
  const changed = writeLock(file, lock);
  opts.log.info(`${changed ? 'wrote' : 'unchanged'} ${file} (${lock.sets.builder.length} builder packages, ${lock.sets.runtime.length} runtime)`);
  return { lock, file, resolved: true };
}

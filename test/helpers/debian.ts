// Shared setup for the Debian engine integration tests: the shared package cache and the C builder lock.
import { lockPackages } from '../../src/debian/engine.js';
import { defaultCacheDir } from '../../src/debian/cache.js';
import { readHostSources } from '../../src/debian/host-sources.js';
import type { AptSource } from '../../src/debian/sources.js';
import type { Lock } from '../../src/debian/types.js';
import { memoryLog } from '../../src/log.js';

/** The cache shared by all tests and runs ($AIRLOCK_CACHE or ~/.cache/airlock). */
export const cacheDir = defaultCacheDir(process.env);

/** The C builder set used across the integration tests. */
export const C_BUILDER = ['gcc', 'make', 'libc6-dev'];
/** A small runtime set. */
export const C_RUNTIME = ['libc6', 'libssl3'];
/** Fixed config digest for test locks. */
export const TEST_DIGEST = 'f'.repeat(64);

/** Locks the C builder set against the host's sources through the shared cache. */
export async function cLock(opts: { offline?: boolean; cache?: string } = {}): Promise<Lock> {
  return lockPackages(
    { builder: C_BUILDER, runtime: C_RUNTIME, architecture: 'amd64', configDigest: TEST_DIGEST },
    { cache: opts.cache ?? cacheDir, log: memoryLog(), offline: opts.offline ?? false },
  );
}

/** The host's first binary source (the real mirror, read from /etc/apt at run time). */
export function hostMirror(): AptSource {
  return readHostSources('amd64')[0]!;
}

/**
 * Body of the offline child process (run inside `unshare -n`): proves there is no network, then locks, fetches and
 * builds the builder rootfs from `cache` with offline=true. Prints one JSON line with the results.
 */
export async function offlineChild(cache: string): Promise<void> {
  const { fetchLocked } = await import('../../src/debian/engine.js');
  const { ensureBuilderRootfs } = await import('../../src/debian/rootfs.js');
  const { serializeLock } = await import('../../src/debian/lock.js');
  const { sha256File } = await import('../../src/debian/cache.js');
  let network = true;
  try { await fetch(`${hostMirror().uri}/`, { signal: AbortSignal.timeout(5000) }); } catch { network = false; }
  const log = memoryLog();
  const lock = await cLock({ offline: true, cache });
  const debs = await fetchLocked(lock, { cache, log, offline: true });
  const t0 = Date.now();
  const rootfs = await ensureBuilderRootfs(lock, { cache, log, offline: true });
  const ms = Date.now() - t0;
  process.stdout.write(`${JSON.stringify({ network, lock: serializeLock(lock), debs: debs.size, tarSha: await sha256File(rootfs.tar), key: rootfs.key, ms })}\n`);
}

/** Body of a child process that fetches the C lock into `cache` (two run at once in the concurrency test). */
export async function fetchChild(cache: string): Promise<void> {
  const { fetchLocked } = await import('../../src/debian/engine.js');
  const lock = await cLock({ offline: true, cache });
  const debs = await fetchLocked(lock, { cache, log: memoryLog(), offline: false });
  process.stdout.write(`${debs.size}\n`);
}

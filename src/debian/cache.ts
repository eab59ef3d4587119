// The content-addressed package cache: debs/sha256/<hex>, written by temp + rename, hash-checked on first use and
// trusted afterwards while its stat identity is unchanged (src/cache/verify-once.ts).
import { chmodSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { hashFile as sha256File } from '../files/file-hash.js';
import { verifyOnce, verifyOnceWithFacts, type Verdict } from '../cache/verify-once.js';
import { asControlFacts, controlFacts, type ControlFacts } from './control-check.js';

/** The cache directory: `$AIRLOCK_CACHE`, else `~/.cache/airlock`. */
export function defaultCacheDir(env: Record<string, string | undefined>, home = homedir()): string {
  return env.AIRLOCK_CACHE && env.AIRLOCK_CACHE.trim() ? env.AIRLOCK_CACHE : join(home, '.cache', 'airlock');
}

/** sha256 (hex) of a file, streamed (sinks/file-hash.ts). */
export { sha256File };

/** Path of the cache entry for a .deb with this sha256 (it may not exist). */
export function debPath(cacheDir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return join(cacheDir, 'debs', 'sha256', sha256);
}

/** Directory for temporary downloads (same file system as the store, so rename is atomic). */
export function tmpDir(cacheDir: string): string {
  const d = join(cacheDir, 'tmp');
  mkdirSync(d, { recursive: true });
  return d;
}

/**
 * Verdict on a cache entry: 'ok', 'missing', or 'corrupt' (wrong size or hash; the entry is deleted). The entry is
 * hashed on its first check and again only when its stat identity changed; each check records a use (for prune).
 */
export function checkCached(cacheDir: string, sha256: string, size?: number, hash = sha256File): Promise<Verdict> {
  return verifyOnce(debPath(cacheDir, sha256), { algorithm: 'sha256', hex: sha256, ...(size !== undefined ? { size } : {}), hash });
}

/**
 * `checkCached` for a .deb, with its control fields: read once with the first hash (`dpkg-deb -f`) and kept in the
 * verification record, so a build compares every lock entry to its package without reading each .deb again.
 */
export async function checkCachedDeb(
  cacheDir: string, sha256: string, size: number, hash = sha256File,
): Promise<{ verdict: Verdict; control?: ControlFacts }> {
  const opts = { algorithm: 'sha256', hex: sha256, size, hash };
  const path = debPath(cacheDir, sha256);
  // The .deb reader (and its tar library) loads only when a package is read: a rebuild whose records hold every
  // package's facts needs neither.
  const readControl = async (p: string) => (await import('./deb-read.js')).readControl(p);
  const r = await verifyOnceWithFacts(path, opts, async (p) => controlFacts(await readControl(p)));
  if (r.verdict !== 'ok') return { verdict: r.verdict };
  // A record from elsewhere with facts of another shape is not trusted: the .deb is read again.
  return { verdict: 'ok', control: asControlFacts(r.facts) ?? controlFacts(await readControl(path)) };
}

/** Moves a verified temporary file into the store under its sha256 (read-only, atomic rename). */
export function commitToStore(cacheDir: string, tmpFile: string, sha256: string): string {
  const p = debPath(cacheDir, sha256);
  mkdirSync(join(cacheDir, 'debs', 'sha256'), { recursive: true });
  chmodSync(tmpFile, 0o444); // entries are immutable: hard links to them (rootfs repos) must never see a change
  renameSync(tmpFile, p);
  return p;
}

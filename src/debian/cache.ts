// The content-addressed package cache: debs/sha256/<hex>, every entry hash-checked before use, written by temp + rename.
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { hashFile as sha256File } from '../sinks/file-hash.js';

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

/** Verdict on a cache entry: 'ok', 'missing', or 'corrupt' (wrong size or hash; the entry is deleted). */
export async function checkCached(cacheDir: string, sha256: string, size?: number): Promise<'ok' | 'missing' | 'corrupt'> {
  const p = debPath(cacheDir, sha256);
  if (!existsSync(p)) return 'missing';
  const sizeOk = size === undefined || statSync(p).size === size;
  if (sizeOk && (await sha256File(p)) === sha256) return 'ok';
  rmSync(p, { force: true });
  return 'corrupt';
}

/** Moves a verified temporary file into the store under its sha256 (read-only, atomic rename). */
export function commitToStore(cacheDir: string, tmpFile: string, sha256: string): string {
  const p = debPath(cacheDir, sha256);
  mkdirSync(join(cacheDir, 'debs', 'sha256'), { recursive: true });
  chmodSync(tmpFile, 0o444); // entries are immutable: hard links to them (rootfs repos) must never see a change
  renameSync(tmpFile, p);
  return p;
}

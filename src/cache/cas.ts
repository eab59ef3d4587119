// The content store `<cache>/cas/sha256/<hex>`: read-only files named by their sha256, each verified once (its
// verify-once record in `cas/verified/` is also its last use for `airlock cache prune`). The step cache keeps step
// results here; the runtime sets keep their uncompressed tar here (a rebuild parses it instead of unpacking .debs).
import { chmod, copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { hashFile } from '../files/file-hash.js';
import { diskFullError } from '../files/atomic.js';
import { touchCacheEntry } from './touch.js';
import { verifiedRecordPath, verifyOnce } from './verify-once.js';

/** The path of the entry `hex` (sha256) in the cache's content store. */
export const casPath = (cache: string, hex: string) => join(cache, 'cas', 'sha256', hex);

/**
 * The bytes of entry `hex` when it is there and verifies (hashed on first use, trusted after while its stat identity
 * holds); undefined when it is missing, or corrupt (then it is removed).
 */
export async function readVerified(cache: string, hex: string, size?: number): Promise<Buffer | undefined> {
  const path = await verifiedPath(cache, hex, size);
  return path === undefined ? undefined : readFile(path).catch(() => undefined);
}

/** `readVerified` without the read: the entry's path when it is there and verifies, for a reader of parts of it. */
export async function verifiedPath(cache: string, hex: string, size?: number): Promise<string | undefined> {
  const path = casPath(cache, hex);
  const verdict = await verifyOnce(path, { algorithm: 'sha256', hex, ...(size !== undefined ? { size } : {}), hash: (p) => hashFile(p) });
  return verdict === 'ok' ? path : undefined;
}

/** Keeps `bytes` as the entry named by their sha256 (a reader never sees part of an entry); returns that (hex). */
export async function storeBytes(cache: string, bytes: Uint8Array): Promise<string> {
  const hex = createHash('sha256').update(bytes).digest('hex');
  await commit(cache, hex, (tmp) => writeFile(tmp, bytes));
  return hex;
}

/** Copies a file into the store under its sha256; returns that (hex). */
export async function storeFile(cache: string, path: string): Promise<string> {
  const hex = await hashFile(path);
  await commit(cache, hex, (tmp) => copyFile(path, tmp));
  return hex;
}

/**
 * Makes entry `hex` with `write` (into a temp file, made read-only, then renamed) unless it is there already; either
 * way its verify-once record is touched: that is the entry's last use (touching the entry would change its witness).
 */
async function commit(cache: string, hex: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const dest = casPath(cache, hex);
  await touchCacheEntry(verifiedRecordPath(dest));
  if (existsSync(dest)) return;
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}`;
  try {
    await write(tmp);
    await chmod(tmp, 0o444);
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    throw diskFullError(e, tmp);
  }
}

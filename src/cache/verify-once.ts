// Verify a content-addressed cache entry once: the first use hashes it and records the file's stat identity beside
// the store; later uses trust it while size, mtime, ctime, inode and device are unchanged (any write, chmod, utimes
// or re-link changes the ctime), and hash it again when they changed. The record's mtime is the entry's last use.
import { lstat, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../files/atomic.js';
import { touchCacheEntry } from './touch.js';

/** What to expect of an entry: its digest (hex, `algorithm` names it in the record), its size when known, a hasher. */
export interface VerifyOptions {
  algorithm: string;
  hex: string;
  size?: number;
  /** Hex digest of a file's bytes (injected: tests count the calls). */
  hash: (path: string) => Promise<string>;
}

/** 'ok', 'missing', or 'corrupt' (wrong size or digest: the entry and its record are deleted). */
export type Verdict = 'ok' | 'missing' | 'corrupt';

interface Witness { size: number; mtimeNs: string; ctimeNs: string; ino: string; dev: string }
interface VerifiedRecord extends Witness { algorithm: string; hex: string; facts?: unknown }

/** The record of `<store>/<algorithm>/<hex>`: `<store>/verified/<hex>.json`. */
export function verifiedRecordPath(entry: string): string {
  return join(dirname(dirname(entry)), 'verified', `${basename(entry)}.json`);
}

async function witnessOf(path: string): Promise<Witness | undefined> {
  try {
    const st = await lstat(path, { bigint: true });
    if (!st.isFile()) return undefined;
    return { size: Number(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs), ino: String(st.ino), dev: String(st.dev) };
  } catch {
    return undefined;
  }
}

const sameWitness = (a: Witness, b: Witness) =>
  a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;

async function readRecord(path: string): Promise<VerifiedRecord | undefined> {
  try { return JSON.parse(await readFile(path, 'utf8')) as VerifiedRecord; } catch { return undefined; }
}

/** Checks an entry against its digest, hashing it only when its stat identity differs from the recorded one. */
export async function verifyOnce(entry: string, opts: VerifyOptions): Promise<Verdict> {
  return (await verifyOnceWithFacts(entry, opts)).verdict;
}

/**
 * `verifyOnce`, and facts read from the verified bytes (e.g. a .deb's control fields): `read` runs when the entry is
 * hashed, or when a trusted record has no facts yet, and its result is kept in the record with the witness. An
 * entry that changes is hashed and read again, so the facts always describe the bytes that verified.
 */
export async function verifyOnceWithFacts(
  entry: string, opts: VerifyOptions, read?: (path: string) => Promise<unknown>,
): Promise<{ verdict: Verdict; facts?: unknown }> {
  const record = verifiedRecordPath(entry);
  // The record is touched before the entry is looked at: a prune running now sees the use (see touch.ts).
  const known = (await touchCacheEntry(record)) ? await readRecord(record) : undefined;
  const before = await witnessOf(entry);
  if (!before) return { verdict: 'missing' };
  const corrupt = async () => {
    await rm(entry, { force: true });
    await rm(record, { force: true });
    return { verdict: 'corrupt' as const };
  };
  if (opts.size !== undefined && before.size !== opts.size) return corrupt();
  const trusted = known && known.algorithm === opts.algorithm && known.hex === opts.hex && sameWitness(known, before);
  if (trusted && (!read || known.facts !== undefined)) return { verdict: 'ok', facts: known.facts };
  if (!trusted && (await opts.hash(entry)) !== opts.hex) return corrupt();
  const facts = read ? await read(entry) : undefined;
  // Recorded only when nothing changed while hashing: the witness must describe the bytes that were hashed.
  const after = await witnessOf(entry);
  if (after && sameWitness(before, after)) {
    const kept = facts !== undefined ? { facts } : {};
    await keepRecord(record, { algorithm: opts.algorithm, hex: opts.hex, ...after, ...kept });
  }
  return { verdict: 'ok', facts };
}

/**
 * After airlock itself hard-linked an entry and removed the link again (the package repository mmdebstrap installs
 * a new builder rootfs from): that moved only the entry's ctime. A record whose size, mtime, inode and device still match follows the new ctime, so
 * the next build does not hash every .deb of a new builder again. Called when mmdebstrap has finished, under the
 * rootfs lock: a write during that run that kept the size and restored the mtime (to a read-only entry) is the one
 * change this trusts, where the ctime alone would have caught it.
 */
export async function restampLinked(entry: string): Promise<void> {
  const record = verifiedRecordPath(entry);
  const known = await readRecord(record);
  const now = await witnessOf(entry);
  if (!known || !now || known.ctimeNs === now.ctimeNs) return;
  if (known.size === now.size && known.mtimeNs === now.mtimeNs && known.ino === now.ino && known.dev === now.dev) {
    await keepRecord(record, { ...known, ...now });
  }
}

/**
 * Writes a record, and drops it again when it is "racy" (as git's index): file times have the file system clock's
 * granularity, so a write in the same tick as the entry's last change could leave the same ctime. A record is kept
 * only when it was written on a later tick than that change; the next use hashes again otherwise.
 */
async function keepRecord(path: string, record: VerifiedRecord): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(record)}\n`);
  const written = await lstat(path, { bigint: true }).catch(() => undefined);
  if (!written || written.ctimeNs <= BigInt(record.ctimeNs)) await rm(path, { force: true });
}

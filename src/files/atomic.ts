// Atomic file writes: write to a unique temp file beside the target, fsync, then rename.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { AirlockError } from '../errors.js';
import { dirname, join, basename } from 'node:path';

/**
 * A full disk (ENOSPC) or an exhausted quota (EDQUOT) as a classified `disk-full` error naming the path being
 * written; any other error is returned unchanged. Writers call it where they know the path (stream errors do not).
 */
export function diskFullError(e: unknown, path: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return e;
  const what = code === 'ENOSPC' ? 'no space left on the device' : 'the disk quota is exhausted';
  const hint = `free space in ${dirname(path)} (for the airlock cache: \`airlock cache prune\`) and run again`;
  return new AirlockError('image', 'disk-full', `${what} while writing ${path}`, { cause: e, hint });
}

/** A failed atomic write as a classified error: disk-full, else write-failed naming the file. */
function writeError(cause: unknown, target: string): unknown {
  const full = diskFullError(cause, target);
  if (full !== cause) return full;
  const hint = `check that ${dirname(target)} is writable`;
  return new AirlockError('image', 'write-failed', `cannot write ${target}`, { cause, hint });
}

/** A temp path beside `target` that no other writer uses. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Writes bytes to `target` atomically; a failure is a `write-failed` error naming the file. */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempPathFor(target);
  try {
    await mkdir(dirname(target), { recursive: true });
    const fh = await open(tmp, 'w', 0o644);
    try { await fh.writeFile(data); await fh.sync(); } finally { await fh.close(); }
    await rename(tmp, target);
  } catch (cause) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(cause, target);
  }
}

/** writeFileAtomic for synchronous callers (the lock file): the same temp path, fsync, rename and errors. */
export function writeFileAtomicSync(target: string, data: string): void {
  const tmp = tempPathFor(target);
  try {
    mkdirSync(dirname(target), { recursive: true });
    const fd = openSync(tmp, 'w', 0o644);
    try { writeSync(fd, data); fsyncSync(fd); } finally { closeSync(fd); }
    renameSync(tmp, target);
  } catch (cause) {
    rmSync(tmp, { force: true });
    throw writeError(cause, target);
  }
}

/** Streams into `target` atomically; `beforeRename` may throw to abort (e.g. a digest check). */
export async function streamToFileAtomic(target: string, src: AsyncIterable<Uint8Array>, beforeRename?: () => void | Promise<void>): Promise<void> {
  await mkdir(dirname(target), { recursive: true }).catch((e) => { throw diskFullError(e, target); });
  const tmp = tempPathFor(target);
  try {
    // Written chunk by chunk through one handle (no stream machinery between: a 180 MB docker-archive is written a
    // third faster), then synced before the rename.
    const fh = await open(tmp, 'wx', 0o644);
    try {
      for await (const chunk of src) {
        for (let off = 0; off < chunk.length;) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
      }
      await fh.sync();
    } finally { await fh.close(); }
    await beforeRename?.();
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw diskFullError(e, target);
  }
}

/**
 * Waits for every write given, then throws the first failure (if any): unlike Promise.all, no write is still going
 * on when the caller goes on to report the error or remove the folder written into.
 */
export async function settleAll<T>(writes: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(writes);
  const failed = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((x) => (x as PromiseFulfilledResult<T>).value);
}

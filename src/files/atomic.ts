// Atomic file writes: write to a unique temp file beside the target, fsync, then rename.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { AirlockError } from '../errors.js';
import { dirname, join, basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

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
    const hint = `check that ${dirname(target)} is writable`;
    throw new AirlockError('image', 'write-failed', `cannot write ${target}`, { cause, hint });
  }
}

/** Streams into `target` atomically; `beforeRename` may throw to abort (e.g. a digest check). */
export async function streamToFileAtomic(target: string, src: AsyncIterable<Uint8Array>, beforeRename?: () => void | Promise<void>): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    await pipeline(Readable.from(src, { objectMode: false }), createWriteStream(tmp, { mode: 0o644 }));
    await beforeRename?.();
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Runs `fn` holding an exclusive lock directory `lockPath` (cross-process); a lock older than `staleMs` is broken. */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, opts: { timeoutMs?: number; staleMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      await mkdir(lockPath);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > (opts.staleMs ?? 120_000)) { await rm(lockPath, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) {
        throw new AirlockError('image', 'locked', `${lockPath} is held by another airlock process`, { hint: 'wait for it to finish, or remove the lock directory if no airlock is running' });
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { recursive: true, force: true });
  }
}

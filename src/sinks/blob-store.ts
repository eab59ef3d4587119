// A content-addressed BlobStore on disk (`<dir>/blobs/sha256/<hex>`), the same shape as an OCI layout.
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AirlockError } from '../errors.js';
import { digestMismatch, type BlobStore } from '../image/blob-store.js';
import { Hasher, hexOf, tee, type Digest } from '../image/digest.js';
import { touchCacheEntry } from '../cache/touch.js';
import { diskFullError, tempPathFor } from '../files/atomic.js';

/** Path of a blob inside a layout-shaped directory. */
export function blobPath(dir: string, digest: Digest): string {
  return join(dir, 'blobs', 'sha256', hexOf(digest));
}

/** Streams a file (or the byte range start..end inclusive) as Uint8Array chunks. */
export async function* readFileStream(path: string, start?: number, end?: number): AsyncGenerator<Uint8Array> {
  const opts = { highWaterMark: 1024 * 1024, ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
  for await (const c of createReadStream(path, opts)) yield c as Uint8Array;
}

/**
 * Streams a file whose size is known from a listing, in buffers of that size (at most `chunk`), then reads one byte
 * more: a file that grew still gives more than `size` bytes, so a reader that counts sees the change. A stream read
 * allocates a whole high-water-mark buffer per read, which made twelve thousand small rootfs files cost gigabytes of
 * garbage; small buffers here come from Node's pool.
 */
export async function* readFileSized(path: string, size: number, chunk = 1024 * 1024): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    for (let pos = 0; ;) {
      // At the listed size, one byte probes for more; past it (the file grew), whole chunks again.
      const want = pos < size ? Math.min(chunk, size - pos) : pos === size ? 1 : chunk;
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Streams `size` bytes of a file from offset `start` (a member of a tar kept whole), in buffers of at most `chunk`;
 * a file that ends before them is a `size-mismatch` error naming it (it changed after it was checked).
 */
export async function* readFileRange(path: string, start: number, size: number, chunk = 1024 * 1024): AsyncGenerator<Uint8Array> {
  if (size === 0) return;
  const fh = await open(path, 'r');
  try {
    for (let done = 0; done < size;) {
      const want = Math.min(chunk, size - done);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, start + done);
      if (bytesRead === 0) {
        throw new AirlockError('image', 'size-mismatch', `${path} ends at ${start + done} bytes, before the ${size} bytes from ${start} it holds`, {
          hint: 'the file changed after it was checked; build again',
        });
      }
      done += bytesRead;
      yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** True when a path exists. */
export async function exists(p: string): Promise<boolean> {
  try { await stat(p); return true; } catch { return false; }
}

/** A BlobStore rooted at `dir`: writes stream into a temp file in `dir`, are hashed, then renamed to their digest. */
export function fsBlobStore(dir: string): BlobStore {
  return {
    async put(stream, expected) {
      await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
      const h = new Hasher();
      const tmp = tempPathFor(join(dir, 'blob'));
      try {
        await pipeline(Readable.from(tee(stream, h), { objectMode: false }), createWriteStream(tmp, { mode: 0o644 }));
        const digest = h.digest();
        if (expected && expected !== digest) throw digestMismatch('blob', expected, digest);
        const final = blobPath(dir, digest);
        // A blob written again counts as used (its mtime is its last use for `airlock cache prune`).
        if (await touchCacheEntry(final)) await rm(tmp, { force: true });
        else await rename(tmp, final);
        return { digest, size: h.size };
      } catch (e) {
        await rm(tmp, { force: true });
        throw diskFullError(e, tmp);
      }
    },
    open(digest) {
      const p = blobPath(dir, digest);
      return (async function* () {
        try { await access(p); } catch (e) {
          throw new AirlockError('image', 'blob-unknown', `blob ${digest} is missing from ${dir}`, { cause: e, hint: 'the layout is incomplete; write the image again' });
        }
        yield* readFileStream(p);
      })();
    },
    has: (digest) => exists(blobPath(dir, digest)),
    path: (digest) => blobPath(dir, digest),
  };
}

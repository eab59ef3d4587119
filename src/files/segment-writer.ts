// Writes a file made of segments (bytes in hand, or the whole of another file) on a worker thread, atomically. A
// docker-archive is mostly a copy of its layer blobs: streamed through this thread, each chunk waited for an event-loop
// turn while the gates, the trace and the evidence kept the thread busy, and a 180 MB archive took a second to write
// that the disk takes 0.2 s for. The worker copies with plain synchronous reads and writes, whatever this thread does.
import { Worker } from 'node:worker_threads';
import { rename, rm, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AirlockError } from '../errors.js';
import { diskFullError, tempPathFor } from './atomic.js';

/** Part of a file being written: bytes, or the whole of the file `file`, which must hold exactly `size` bytes. */
export type Segment = { bytes: Uint8Array } | { file: string; size: number; name: string };

/** What the worker reports: nothing (written and synced), or why not. */
interface Outcome { error?: { code?: string; message: string; short?: { name: string; got: number; size: number }; source?: string } }

// Plain JavaScript (the worker runs no TypeScript): the segments in order into `tmp`, made exclusively, then fsync.
// A copied file that gives fewer or more bytes than its segment says is an error (it changed, or is not the blob).
const WORKER_SRC = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { tmp, segments } = workerData;
let fd;
try {
  fd = fs.openSync(tmp, 'wx', 0o644);
  const writeAll = (buf, n) => { for (let off = 0; off < n;) off += fs.writeSync(fd, buf, off, n - off); };
  const chunk = Buffer.allocUnsafe(8 * 1024 * 1024);
  for (const s of segments) {
    if (s.bytes) { writeAll(s.bytes, s.bytes.length); continue; }
    let src;
    try { src = fs.openSync(s.file, 'r'); } catch (e) { e.source = s.name; throw e; }
    try {
      let got = 0;
      for (;;) {
        const n = fs.readSync(src, chunk, 0, chunk.length, null);
        if (n === 0) break;
        got += n;
        if (got > s.size) break;
        writeAll(chunk, n);
      }
      if (got !== s.size) {
        const e = new Error('size mismatch');
        e.short = { name: s.name, got, size: s.size };
        throw e;
      }
    } finally { fs.closeSync(src); }
  }
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fd = undefined;
  parentPort.postMessage({});
} catch (e) {
  if (fd !== undefined) try { fs.closeSync(fd); } catch {}
  parentPort.postMessage({ error: { code: e && e.code, message: String(e && e.message || e), short: e && e.short, source: e && e.source } });
}`;

function runWorker(tmp: string, segments: Segment[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const w = new Worker(WORKER_SRC, { eval: true, workerData: { tmp, segments } });
    let outcome: Outcome | undefined;
    w.once('message', (m: Outcome) => { outcome = m; });
    w.once('error', (e) => { outcome ??= { error: { message: e.message } }; });
    w.once('exit', () => resolve(outcome ?? { error: { message: 'the writer thread exited without a word' } }));
  });
}

/**
 * Writes `segments` to `target` atomically (a temp file beside it, synced, renamed), the copying done on a worker
 * thread. A full disk is a `disk-full` error, a copied file of the wrong size a `size-mismatch` naming it; a failure
 * leaves no temp file and no target.
 */
export async function writeSegmentsAtomic(target: string, segments: Segment[]): Promise<void> {
  await mkdir(dirname(target), { recursive: true }).catch((e) => { throw diskFullError(e, target); });
  const tmp = tempPathFor(target);
  try {
    const { error } = await runWorker(tmp, segments);
    if (error?.short) {
      const { name, got, size } = error.short;
      throw new AirlockError('image', 'size-mismatch', `"${name}" gave ${got > size ? 'more than' : got} bytes, expected ${size}`, {
        hint: 'the file changed while it was written; rebuild',
      });
    }
    if (error?.source) {
      throw new AirlockError('image', 'blob-unknown', `cannot read ${error.source}: ${error.message}`, {
        hint: 'the store that holds it is incomplete or unreadable; build again',
      });
    }
    if (error) throw Object.assign(new Error(`cannot write ${target}: ${error.message}`), error.code ? { code: error.code } : {});
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw diskFullError(e, target);
  }
}

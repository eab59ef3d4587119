// Pinned pure-JS gzip (pako 2.1.0, level 9 unless told, MTIME 0, OS 3): the same bytes on every Node version and machine.
// The stream is cut into fixed 1 MiB blocks, each deflated with the previous 32 KiB as dictionary and ended with
// a sync flush (the pigz scheme), so blocks can be compressed on worker threads with byte-identical output.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import pako from 'pako';
import { AirlockError } from '../errors.js';

/** Uncompressed bytes per independently deflated block. */
export const GZIP_BLOCK = 1024 * 1024;
const WINDOW = 32 * 1024;
/** A deflate level (1 fastest … 9 smallest). */
export type GzipLevel = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** The gzip header: no name, MTIME 0, OS 3 (Unix); XFL says 2 for level 9 and 4 for level 1, as gzip does. */
function header(level: GzipLevel): Uint8Array {
  return new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, level === 9 ? 2 : level === 1 ? 4 : 0, 3]);
}

/** Raw-deflates one block (level 9 unless told) primed with `dict`; sync-flushed, or finished when `final`. */
export function deflateBlock(block: Uint8Array, dict: Uint8Array | undefined, final: boolean, level: GzipLevel = 9): Uint8Array {
  const d = new pako.Deflate({ level, raw: true, ...(dict && dict.length ? { dictionary: dict } : {}) });
  const out: Uint8Array[] = [];
  d.onData = (c) => { out.push(c as Uint8Array); };
  d.push(block, final ? 4 : 2);
  if (d.err) throw deflateFailed(d.msg);
  return out.length === 1 ? out[0]! : Buffer.concat(out);
}

/** A deflate that failed (pako's message, or a worker that died): an image error, not an internal one. */
function deflateFailed(msg: string, cause?: unknown): AirlockError {
  return new AirlockError('image', 'gzip-failed', `gzip compression failed: ${msg}`, {
    cause, hint: 'this is a fault of the machine (memory?) or of airlock; try again, and report it if it persists',
  });
}

// The worker runs the same pako call as deflateBlock (a test checks the bytes are identical).
const WORKER_SRC = `
const { parentPort, workerData } = require('node:worker_threads');
const pako = require(workerData.pako);
parentPort.on('message', ({ id, block, dict, final, level }) => {
  try {
    const d = new pako.Deflate({ level, raw: true, ...(dict && dict.length ? { dictionary: dict } : {}) });
    const out = [];
    d.onData = (c) => out.push(c);
    d.push(block, final ? 4 : 2);
    if (d.err) throw new Error('deflate failed: ' + d.msg);
    parentPort.postMessage({ id, out: Buffer.concat(out) });
  } catch (e) { parentPort.postMessage({ id, error: String(e && e.message || e) }); }
});`;

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; t[n] = c >>> 0; }
  return t;
})();

/** CRC-32 (gzip) continued from `crc`; uses node's zlib.crc32 when present. */
export function crc32(data: Uint8Array, crc = 0): number {
  const native = (zlib as unknown as { crc32?: (d: Uint8Array, v: number) => number }).crc32;
  if (native) return native(data, crc) >>> 0;
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Cuts a stream into GZIP_BLOCK-sized blocks, flagging the last one (an empty stream gives one empty block). */
async function* blocks(src: AsyncIterable<Uint8Array>): AsyncGenerator<{ block: Uint8Array; final: boolean }> {
  let parts: Uint8Array[] = [];
  let n = 0;
  let ready: Uint8Array | undefined;
  for await (const c0 of src) {
    let c = c0;
    while (c.length) {
      const take = Math.min(GZIP_BLOCK - n, c.length);
      parts.push(c.subarray(0, take)); n += take; c = c.subarray(take);
      if (n === GZIP_BLOCK) {
        if (ready) yield { block: ready, final: false };
        ready = Buffer.concat(parts, n); parts = []; n = 0;
      }
    }
  }
  if (n === 0) { yield { block: ready ?? new Uint8Array(0), final: true }; return; }
  if (ready) yield { block: ready, final: false };
  yield { block: Buffer.concat(parts, n), final: true };
}

/** Options of `gzipStream`. */
export interface GzipOptions {
  /** Worker threads for deflate (default: available cores, at most 4); 0 compresses on this thread. Output is identical either way. */
  workers?: number;
  /** Deflate level (default 9). */
  level?: GzipLevel;
}

/** A small pool of deflate workers, created on first use. */
class DeflatePool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
  private next = 0;
  private id = 0;

  constructor(size: number) {
    const pakoPath = createRequire(import.meta.url).resolve('pako');
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_SRC, { eval: true, workerData: { pako: pakoPath } });
      w.on('message', (m: { id: number; out?: Uint8Array; error?: string }) => {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.error !== undefined || !m.out) p?.reject(deflateFailed(m.error ?? 'the deflate worker sent nothing'));
        else p?.resolve(m.out);
      });
      w.on('error', (e) => {
        for (const p of this.waiting.values()) p.reject(deflateFailed(e.message, e));
        this.waiting.clear();
      });
      this.workers.push(w);
    }
  }

  deflate(block: Uint8Array, dict: Uint8Array | undefined, final: boolean, level: GzipLevel): Promise<Uint8Array> {
    const id = this.id++;
    const w = this.workers[this.next++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.postMessage({ id, block, dict, final, level });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Gzips a stream (header, blockwise deflate, CRC-32 and size trailer); blocks run on workers when there are several. */
export async function* gzipStream(src: AsyncIterable<Uint8Array>, opts: GzipOptions = {}): AsyncGenerator<Uint8Array> {
  const want = opts.workers ?? Math.min(4, availableParallelism());
  const level = opts.level ?? 9;
  let pool: DeflatePool | undefined;
  const inflight: Promise<Uint8Array>[] = [];
  let crc = 0;
  let size = 0;
  let dict: Uint8Array | undefined;
  yield header(level);
  try {
    for await (const { block, final } of blocks(src)) {
      crc = crc32(block, crc);
      size += block.length;
      const d = dict;
      dict = new Uint8Array(block.length >= WINDOW ? block.subarray(block.length - WINDOW) : Buffer.concat([d ?? new Uint8Array(0), block]).subarray(-WINDOW));
      if (want > 0 && !pool && !final) pool = new DeflatePool(want);
      if (pool) {
        const p = pool.deflate(block, d, final, level);
        p.catch(() => undefined); // awaited below; this only stops an early exit from leaving it unhandled
        inflight.push(p);
      }
      else yield deflateBlock(block, d, final, level);
      while (inflight.length > 2 * want) yield await inflight.shift()!;
    }
    while (inflight.length) yield await inflight.shift()!;
  } finally {
    await pool?.close();
  }
  const trailer = new Uint8Array(8);
  const v = new DataView(trailer.buffer);
  v.setUint32(0, crc, true);
  v.setUint32(4, size >>> 0, true);
  yield trailer;
}

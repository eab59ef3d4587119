// Detects a layer's compression by magic bytes (gzip, zstd, none) and yields the uncompressed tar stream.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AirlockError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import { zstdDecompress } from './zstd.js';

/** Compression of a blob, told from its first bytes. */
export type Compression = 'gzip' | 'zstd' | 'none';

/** Tells the compression from the first four bytes of a blob. */
export function detectCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

async function* rest(r: ByteReader): AsyncGenerator<Uint8Array> {
  yield* r.chunks(Number.MAX_SAFE_INTEGER);
}

/**
 * Uncompressed bytes of a (possibly gzip/zstd-compressed) stream, detected by magic. A consumer that stops early
 * (a scan that found what it wanted) closes the source too: a registry blob left half-read would hold its
 * connection open and keep the process from exiting.
 */
export async function* decompress(src: AsyncIterable<Uint8Array>, where = 'layer'): AsyncGenerator<Uint8Array> {
  const r = new ByteReader(src);
  try {
    const kind = detectCompression(await r.peek(4));
    if (kind === 'none') yield* rest(r);
    else if (kind === 'zstd') yield* zstdDecompress(rest(r), where);
    else yield* gunzip(rest(r), where);
  } finally {
    await r.close();
  }
}

async function* gunzip(src: AsyncIterable<Uint8Array>, where: string): AsyncGenerator<Uint8Array> {
  const input = Readable.from(src, { objectMode: false });
  const inflate = createGunzip();
  input.once('error', (e) => inflate.destroy(e));
  input.pipe(inflate);
  try {
    for await (const chunk of inflate) yield chunk as Uint8Array;
  } catch (e) {
    if (e instanceof AirlockError) throw e;
    throw new AirlockError('image', 'bad-gzip', `${where}: gzip data is corrupt (${(e as Error).message})`, { cause: e, hint: 'the blob is damaged or truncated; fetch it again' });
  } finally {
    input.unpipe(inflate);
    input.destroy();
    inflate.destroy();
  }
}

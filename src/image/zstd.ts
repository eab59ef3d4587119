// Streaming zstd decoding with the pure-JS fzstd decoder (zstd layers are read-only here; we write gzip).
import { Decompress } from 'fzstd';
import { AirlockError } from '../errors.js';

/** Decompresses a zstd stream; output is yielded as it is produced; corrupt or truncated input fails clearly. */
export async function* zstdDecompress(src: AsyncIterable<Uint8Array>, where: string): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  let ended = false;
  const d = new Decompress((data, final) => { if (data.length) out.push(data); if (final) ended = true; });
  const fail = (e: unknown): never => {
    throw new AirlockError('image', 'bad-zstd', `${where}: zstd data is corrupt or truncated (${(e as Error)?.message ?? String(e)})`, {
      cause: e, hint: 'the blob is damaged or truncated; fetch it again',
    });
  };
  for await (const chunk of src) {
    try { d.push(chunk); } catch (e) { fail(e); }
    while (out.length) yield out.shift()!;
  }
  try { d.push(new Uint8Array(0), true); } catch (e) { fail(e); }
  while (out.length) yield out.shift()!;
  if (!ended) fail(new Error('the stream ends inside a frame'));
}

// Streaming zstd decoding (pure JS, fzstd) for foreign layers, with clear errors for corrupt or truncated data.
import { Decompress } from 'fzstd';
import { AirlockError } from '../errors.js';

/** True when the bytes start with the zstd frame magic. */
export function isZstd(head: Uint8Array): boolean {
  return head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd;
}

/** Decompresses a zstd stream chunk by chunk; output is yielded as it is produced. */
export async function* zstdStream(src: AsyncIterable<Uint8Array>, where: string): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  let ended = false;
  const d = new Decompress((data, final) => { if (data.length) out.push(data); if (final) ended = true; });
  const fail = (e: unknown): never => {
    throw new AirlockError('image', 'bad-zstd', `${where}: zstd data is corrupt or truncated (${(e as Error).message ?? e})`, { cause: e, hint: 'the blob is damaged or truncated; fetch it again' });
  };
  for await (const chunk of src) {
    try { d.push(chunk); } catch (e) { fail(e); }
    while (out.length) yield out.shift()!;
  }
  try { d.push(new Uint8Array(0), true); } catch (e) { fail(e); }
  while (out.length) yield out.shift()!;
  if (!ended) fail(new Error('the stream ends inside a frame'));
}

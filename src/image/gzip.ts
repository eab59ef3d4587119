// Pinned pure-JS gzip (pako 2.1.0, level 9, MTIME 0, OS 3): the same bytes on every Node version.
import pako from 'pako';

/** Compresses a stream with pako gzip level 9; output chunks are yielded as they are produced. */
export async function* gzipStream(src: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const d = new pako.Deflate({ level: 9, gzip: true, chunkSize: 256 * 1024 });
  let out: Uint8Array[] = [];
  d.onData = (chunk) => { out.push(chunk as Uint8Array); };
  for await (const chunk of src) {
    if (chunk.length === 0) continue;
    d.push(chunk, false);
    if (out.length) { const o = out; out = []; yield* o; }
  }
  d.push(new Uint8Array(0), true);
  if (d.err) throw new Error(`gzip failed: ${d.msg}`);
  yield* out;
}

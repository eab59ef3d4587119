// Drops device nodes and fifos from an uncompressed tar stream (rootfs tarballs carry /dev entries that the
// engine's reader refuses); everything else passes through byte for byte, so the reader's checks still apply.
import { ByteReader } from '../image/byte-reader.js';
import { BLOCK, decodeHeader } from '../image/tar-header.js';

const SPECIAL: Record<string, string> = { '3': 'character device', '4': 'block device', '6': 'fifo' };
const META = new Set(['x', 'L', 'K']);
const MAX_META = 1024 * 1024;
const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;

/** Yields the tar stream without device/fifo members (and their PAX/GNU long-name headers); calls `dropped` per member. */
export async function* dropSpecialFiles(src: AsyncIterable<Uint8Array>, dropped: (what: string) => void): AsyncGenerator<Uint8Array> {
  const r = new ByteReader(src);
  let pending: Uint8Array[] = [];
  let longName: string | undefined;
  try {
    for (;;) {
      const block = await r.read(BLOCK);
      if (block.length < BLOCK) { yield* pending; if (block.length) yield block; return; }
      let h;
      try { h = decodeHeader(block); } catch { h = null; }
      if (h === null || h === undefined) {
        // End marker or a damaged header: hand the rest to the reader unchanged (it reports damage).
        yield* pending;
        yield block;
        yield* r.chunks(Number.MAX_SAFE_INTEGER);
        return;
      }
      if (META.has(h.typeflag) && h.size <= MAX_META) {
        const body = await r.read(padded(h.size));
        if (h.typeflag === 'L') longName = Buffer.from(body.subarray(0, h.size)).toString('utf8').replace(/\0+$/, '');
        pending.push(block, body);
        continue;
      }
      const kind = SPECIAL[h.typeflag];
      if (kind) {
        const name = longName ?? (h.prefix ? `${h.prefix}/${h.name}` : h.name);
        dropped(`${kind} ${name.replace(/^\.?\//, '')}`);
        await r.skip(padded(h.size));
        pending = [];
        longName = undefined;
        continue;
      }
      yield* pending;
      pending = [];
      longName = undefined;
      yield block;
      if (h.typeflag !== '5') yield* r.chunks(padded(h.size));
    }
  } finally {
    await r.close();
  }
}

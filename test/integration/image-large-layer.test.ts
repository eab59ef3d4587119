// A 400 MB layer is streamed: written through tar + gzip into the file-system blob store without being held in memory.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layerFromEntries, uncompressedStream } from '../../src/image/layer.js';
import { Hasher } from '../../src/image/digest.js';
import { fsBlobStore, blobPath } from '../../src/sinks/blob-store.js';

const dir = mkdtempSync(join(tmpdir(), 'airlock-large-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a 400 MB layer is written and re-read with bounded memory', async () => {
  const SIZE = 400 * 1024 * 1024;
  const chunk = new Uint8Array(1 << 20);
  for (let i = 0; i < chunk.length; i += 4096) chunk[i] = i & 0xff; // a little structure so it is not all zeros
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 25);
  try {
    const { layer } = await layerFromEntries([
      { path: 'data/big.bin', type: 'file', mode: 0o644, uid: 0, gid: 0, size: SIZE, open: async function* () { for (let i = 0; i < SIZE / chunk.length; i++) yield chunk; } },
    ], { epoch: 0, store: fsBlobStore(dir) });
    assert.equal(statSync(blobPath(dir, layer.digest)).size, layer.size);
    assert.equal(layer.uncompressedSize, SIZE + 2 * 512 + 1024, 'headers for data/ and data/big.bin plus two end blocks');
    const h = new Hasher();
    for await (const c of uncompressedStream(layer)) h.update(c);
    assert.equal(h.digest(), layer.diffId);
  } finally {
    clearInterval(timer);
  }
  const grewMiB = (peak - base) / 1024 / 1024;
  assert.ok(grewMiB < 250, `memory grew by ${grewMiB.toFixed(0)} MiB while streaming a 400 MiB layer`);
});

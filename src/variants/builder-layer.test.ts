// The builder layer made ahead of assembly: started by prepareBuilderLayer (while the steps run), taken over by
// assembly without being made twice, and the same layer as one made by assembly alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryBlobStore, type BlobStore } from '../image/blob-store.js';
import { silentLog } from '../log.js';
import { entriesOfLayer } from './runtime-layer.js';
import { prepareBuilderLayer, takeBuilderLayer } from './assemble.js';

/** A memory store that counts the blobs put into it. */
function countingStore(): BlobStore & { puts: number } {
  const inner = memoryBlobStore();
  const store = { ...inner, puts: 0, put: async (...a: Parameters<BlobStore['put']>) => { store.puts++; return inner.put(...a); } };
  return store;
}

test('the builder layer prepared ahead is made once, taken over by assembly, and equal to one made by assembly alone', async () => {
  const work = mkdtempSync(join(tmpdir(), 'airlock-builder-layer-'));
  try {
    const rootfs = join(work, 'rootfs');
    mkdirSync(join(rootfs, 'usr', 'bin'), { recursive: true });
    writeFileSync(join(rootfs, 'usr', 'bin', 'tool'), 'a tool\n');
    writeFileSync(join(rootfs, 'etc-file'), 'x');
    const input = (cacheDir: string, store: BlobStore) => ({ cacheDir, store, rootfsDir: rootfs, rootfsKey: 'k'.repeat(32), epoch: 7 });

    const ahead = countingStore();
    const early = input(join(work, 'cache-a'), ahead);
    prepareBuilderLayer(early);
    // It runs before assembly asks for it.
    for (let i = 0; i < 200 && ahead.puts === 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(ahead.puts, 1, 'the layer is written before assembly takes it');
    const taken = await takeBuilderLayer(early, silentLog);
    assert.equal(await takeBuilderLayer(early, silentLog), taken, 'dev and test share it');
    assert.equal(ahead.puts, 1, 'made once');

    const alone = await takeBuilderLayer(input(join(work, 'cache-b'), countingStore()), silentLog);
    assert.equal(taken.layer.digest, alone.layer.digest);
    assert.deepEqual((await entriesOfLayer(taken.layer)).map((e) => e.path), ['etc-file', 'usr', 'usr/bin', 'usr/bin/tool']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

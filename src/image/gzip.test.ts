// Blockwise pako gzip: identical bytes with 0, 1 or 3 worker threads; valid for gzip -t, node zlib and GNU gzip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { GZIP_BLOCK, crc32, gzipStream } from './gzip.js';
import { collect } from './blob-store.js';

async function* pieces(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

test('the same bytes whatever the worker count and input chunking; gzip -t, gunzip and zlib agree', async () => {
  const text = Buffer.from(Array.from({ length: 400_000 }, (_, i) => `line ${i % 977} of the layer\n`).join(''));
  const data = Buffer.concat([text, randomBytes(GZIP_BLOCK + 12345), text.subarray(0, 50_000)]);
  const a = await collect(gzipStream(pieces(data, 65536), { workers: 0 }), 1 << 30);
  const b = await collect(gzipStream(pieces(data, 7777), { workers: 1 }), 1 << 30);
  const c = await collect(gzipStream(pieces(data, 1 << 20), { workers: 3 }), 1 << 30);
  assert.ok(data.length > 3 * GZIP_BLOCK);
  assert.deepEqual(b, a);
  assert.deepEqual(c, a);
  assert.deepEqual(gunzipSync(a), data);
  assert.deepEqual(execFileSync('gzip', ['-dc'], { input: a, maxBuffer: 1 << 28 }), data);
  execFileSync('gzip', ['-t'], { input: a });
  assert.ok(a.length < data.length * 0.5, 'text compresses; random blocks do not grow much');
});

test('edge sizes: empty, one byte, exactly one block, one block plus one byte', async () => {
  for (const n of [0, 1, GZIP_BLOCK, GZIP_BLOCK + 1, 2 * GZIP_BLOCK]) {
    const data = randomBytes(n);
    const gz = await collect(gzipStream(pieces(data, 100_000), { workers: 2 }), 1 << 30);
    assert.deepEqual(gunzipSync(gz), data, `size ${n}`);
    assert.deepEqual(await collect(gzipStream(pieces(data, 100_000), { workers: 0 }), 1 << 30), gz, `size ${n}`);
  }
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
});

test('another level: its own bytes, the same with or without workers, valid gzip, and XFL says fastest for level 1', async () => {
  const text = Buffer.from(Array.from({ length: 300_000 }, (_, i) => `row ${i % 613} of the builder layer\n`).join(''));
  const nine = await collect(gzipStream(pieces(text, 65536), { workers: 0 }), 1 << 30);
  const one = await collect(gzipStream(pieces(text, 65536), { workers: 0, level: 1 }), 1 << 30);
  const oneOnWorkers = await collect(gzipStream(pieces(text, 1 << 20), { workers: 2, level: 1 }), 1 << 30);
  assert.deepEqual(oneOnWorkers, one);
  assert.notDeepEqual(one, nine);
  assert.deepEqual(gunzipSync(one), text);
  assert.deepEqual(execFileSync('gzip', ['-dc'], { input: one, maxBuffer: 1 << 28 }), text);
  assert.deepEqual([nine[8], one[8]], [2, 4], 'XFL');
  const six = await collect(gzipStream(pieces(text, 65536), { workers: 0, level: 6 }), 1 << 30);
  assert.equal(six[8], 0);
});

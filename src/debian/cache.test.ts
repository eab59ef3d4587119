import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCached, commitToStore, debPath, defaultCacheDir, tmpDir } from './cache.js';
import { withFileLock } from './file-lock.js';

test('defaultCacheDir: $AIRLOCK_CACHE, else ~/.cache/airlock', () => {
  assert.equal(defaultCacheDir({ AIRLOCK_CACHE: '/c' }, '/home/u'), '/c');
  assert.equal(defaultCacheDir({}, '/home/u'), '/home/u/.cache/airlock');
  assert.equal(defaultCacheDir({ AIRLOCK_CACHE: ' ' }, '/home/u'), '/home/u/.cache/airlock');
});

test('a stored entry is verified; a corrupted or truncated one is deleted, never reported ok', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'airlock-cache-'));
  const data = Buffer.from('hello deb');
  const sha = createHash('sha256').update(data).digest('hex');
  assert.equal(await checkCached(cache, sha), 'missing');
  const t = join(tmpDir(cache), 'x.part');
  writeFileSync(t, data);
  assert.equal(commitToStore(cache, t, sha), debPath(cache, sha));
  assert.equal(await checkCached(cache, sha, data.length), 'ok');
  writeFileSync(debPath(cache, sha), 'hello dex');
  assert.equal(await checkCached(cache, sha, data.length), 'corrupt');
  assert.equal(existsSync(debPath(cache, sha)), false);
  writeFileSync(debPath(cache, sha), 'hello');
  assert.equal(await checkCached(cache, sha, data.length), 'corrupt');
  assert.throws(() => debPath(cache, '../etc'), /not a sha256/);
});

test('the file lock serializes holders and is released after errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-flock-'));
  const lock = join(dir, 'l.lock');
  const order: string[] = [];
  const slow = (name: string) => withFileLock(lock, async () => {
    order.push(`${name}+`);
    await new Promise((r) => setTimeout(r, 50));
    order.push(`${name}-`);
  });
  await Promise.all([slow('a'), slow('b')]);
  assert.ok(order.join(',') === 'a+,a-,b+,b-' || order.join(',') === 'b+,b-,a+,a-', order.join(','));
  await assert.rejects(withFileLock(lock, async () => { throw new Error('boom'); }), /boom/);
  assert.deepEqual(readdirSync(dir), []);
  writeFileSync(lock, '999999999');
  assert.equal(await withFileLock(lock, async () => 7), 7, 'a stale lock of a dead process is broken');
});

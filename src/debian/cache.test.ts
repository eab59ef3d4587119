import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCached, commitToStore, debPath, defaultCacheDir, tmpDir } from './cache.js';
import { withFileLock } from '../files/file-lock.js';
import { setTimeout as sleep } from 'node:timers/promises';

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

test('a stored .deb is hashed on its first check only, and again after a change in place (size and mtime kept)', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'airlock-cache-'));
  const data = Buffer.from('a package of some bytes');
  const sha = createHash('sha256').update(data).digest('hex');
  const t = join(tmpDir(cache), 'y.part');
  writeFileSync(t, data);
  commitToStore(cache, t, sha);
  utimesSync(debPath(cache, sha), 1_700_000_000, 1_700_000_000);
  await sleep(30); // a clock tick after the last change: the record of the first check is kept
  let hashed = 0;
  const hash = async (p: string) => { hashed++; return createHash('sha256').update(readFileSync(p)).digest('hex'); };
  for (let i = 0; i < 5; i++) assert.equal(await checkCached(cache, sha, data.length, hash), 'ok');
  assert.equal(hashed, 1, '181 packages of a warm build are not read again');
  chmodSync(debPath(cache, sha), 0o644);
  writeFileSync(debPath(cache, sha), Buffer.from('a package of other bytes').subarray(0, data.length));
  utimesSync(debPath(cache, sha), 1_700_000_000, 1_700_000_000);
  assert.equal(await checkCached(cache, sha, data.length, hash), 'corrupt');
  assert.equal(hashed, 2);
  assert.equal(existsSync(debPath(cache, sha)), false);
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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { settleAll, streamToFileAtomic, writeFileAtomic, writeFileAtomicSync } from './atomic.js';

test('atomic writes replace the file whole and leave no temp file beside it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-atomic-'));
  try {
    const f = join(dir, 'airlock.lock.json');
    writeFileSync(f, 'old\n');
    writeFileAtomicSync(f, 'new\n');
    assert.equal(readFileSync(f, 'utf8'), 'new\n');
    await writeFileAtomic(f, 'newer\n');
    assert.equal(readFileSync(f, 'utf8'), 'newer\n');
    assert.deepEqual(readdirSync(dir), ['airlock.lock.json']);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('a write that cannot be made is a write-failed error naming the file, and the old file stays', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-atomic-'));
  try {
    // The target is a non-empty folder: the rename fails after the temp file was written.
    const f = join(dir, 'target');
    mkdirSync(join(f, 'inside'), { recursive: true });
    assert.throws(() => writeFileAtomicSync(f, 'x'), (e: unknown) =>
      e instanceof AirlockError && e.code === 'write-failed' && e.message.includes(f));
    assert.deepEqual(readdirSync(dir), ['target']);
    assert.deepEqual(readdirSync(f), ['inside']);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('a streamed write gives the bytes of every chunk in order; a source that fails part-way leaves the old file and no temp', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-atomic-'));
  try {
    const f = join(dir, 'image.tar');
    const chunks = [Buffer.alloc(70_000, 1), Buffer.from('middle'), Buffer.alloc(0), Buffer.alloc(3 * 1024 * 1024 + 5, 7)];
    await streamToFileAtomic(f, (async function* () { yield* chunks; })());
    assert.deepEqual(readFileSync(f), Buffer.concat(chunks));
    const failing = (async function* () { yield Buffer.from('partial'); throw new Error('source broke'); })();
    await assert.rejects(streamToFileAtomic(f, failing), /source broke/);
    assert.deepEqual(readFileSync(f), Buffer.concat(chunks), 'the old file stays');
    assert.deepEqual(readdirSync(dir), ['image.tar']);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('settleAll waits for every write before it throws the first failure, and returns the values in order', async () => {
  let slowDone = false;
  const slow = new Promise<number>((res) => setTimeout(() => { slowDone = true; res(2); }, 30));
  await assert.rejects(settleAll([Promise.reject(new Error('first')), slow, Promise.reject(new Error('second'))]), /first/);
  assert.ok(slowDone, 'the slow write had settled before the failure was thrown');
  assert.deepEqual(await settleAll([Promise.resolve(1), Promise.resolve(2)]), [1, 2]);
});

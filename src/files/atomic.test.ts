import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { writeFileAtomic, writeFileAtomicSync } from './atomic.js';

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

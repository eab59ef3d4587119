import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { lockHolder, withFileLock } from './file-lock.js';
import { processStart } from './process.js';

function scratch(): { dir: string; lock: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-lock-'));
  return { dir, lock: join(dir, 'x.lock'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('the lock records pid and start time; with timeout 0 a held lock fails at once through `held`', async () => {
  const { dir, lock, done } = scratch();
  try {
    await withFileLock(lock, async () => {
      assert.equal(readFileSync(lock, 'utf8'), `${process.pid} ${processStart(process.pid)}`);
      assert.equal(lockHolder(lock), String(process.pid));
      writeFileSync(lock, `${process.ppid}`); // held by a live process other than us
      const t0 = Date.now();
      const held = (pid: string) => new AirlockError('image', 'output-locked', `held by pid ${pid}`);
      await assert.rejects(withFileLock(lock, async () => 1, 0, held), new RegExp(`held by pid ${process.ppid}`));
      assert.ok(Date.now() - t0 < 1000, 'at once');
      writeFileSync(lock, `${process.pid}`);
    });
    assert.deepEqual(readdirSync(dir), []);
  } finally { done(); }
});

test('a lock whose pid now names another process (another start time) is broken; so is an old empty one', async () => {
  const { dir, lock, done } = scratch();
  try {
    writeFileSync(lock, `${process.ppid} 1`); // a live pid, but not the process that took the lock
    assert.equal(await withFileLock(lock, async () => 'a', 0), 'a');
    writeFileSync(lock, '');
    await assert.rejects(withFileLock(lock, async () => 'b', 0), /cache-locked|held by another process/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old); // a writer that died between create and write
    assert.equal(await withFileLock(lock, async () => 'c', 0), 'c');
    assert.deepEqual(readdirSync(dir), []);
  } finally { done(); }
});

test('many waiters breaking one stale lock: one holder at a time', async () => {
  const { lock, done } = scratch();
  try {
    writeFileSync(lock, '999999999');
    let inside = 0;
    let most = 0;
    await Promise.all(Array.from({ length: 6 }, () => withFileLock(lock, async () => {
      most = Math.max(most, ++inside);
      await new Promise((r) => setTimeout(r, 20));
      inside--;
    })));
    assert.equal(most, 1);
  } finally { done(); }
});

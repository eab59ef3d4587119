import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputSiblings, recoverOutputs, withOutputLock } from './output-folder.js';

test('a kill between the swap renames: the previous outputs are put back, unfinished folders removed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-outs-'));
  try {
    const out = join(dir, 'out');
    mkdirSync(join(dir, '.out.old-123'));
    writeFileSync(join(dir, '.out.old-123', 'report.json'), 'previous');
    mkdirSync(join(dir, '.out.tmp-123'));
    await recoverOutputs(out);
    assert.equal(readFileSync(join(out, 'report.json'), 'utf8'), 'previous');
    assert.deepEqual(readdirSync(dir), ['out']);
    mkdirSync(join(dir, '.out.old-9'));
    await recoverOutputs(out);
    assert.deepEqual(readdirSync(dir), ['out'], 'with outputs in place, a parked folder is only removed');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('the output lock: a second writer fails at once naming the holder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-outs-'));
  try {
    const out = join(dir, 'out');
    await withOutputLock(out, async () => {
      writeFileSync(join(dir, '.out.lock'), String(process.ppid)); // as if another live build held it
      await assert.rejects(withOutputLock(out, async () => 0), (e: Error & { code?: string }) =>
        e.code === 'output-locked' && e.message.includes(`(pid ${process.ppid})`));
      writeFileSync(join(dir, '.out.lock'), String(process.pid));
    });
    assert.equal(outputSiblings('airlock-out'), '.airlock-out.*');
    assert.equal(outputSiblings('build/out'), 'build/.out.*');
    assert.equal(outputSiblings(undefined), undefined);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

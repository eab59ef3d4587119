// A no-change rebuild keeps outputs only when they carry the same key and every file is as the build left it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_RECORD, buildKey, buildRecord, priorOutputs, reusableOutputs } from './build-record.js';

async function outputs() {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-record-'));
  await mkdir(join(dir, 'oci', 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci', 'blobs', 'sha256', 'aa'), 'layer bytes');
  await writeFile(join(dir, 'x-dev.tar'), 'archive bytes');
  await writeFile(join(dir, 'report.json'), JSON.stringify({ name: 'x', variants: { prod: { gates: { passed: true } } } }));
  await writeFile(join(dir, BUILD_RECORD), await buildRecord(dir, 'key1', { 'x-dev.tar': 'recipe1' }));
  return dir;
}

test('intact outputs with the same key are reused; another key is not', async () => {
  const dir = await outputs();
  try {
    assert.equal((await reusableOutputs(dir, 'key1'))?.name, 'x');
    assert.equal(await reusableOutputs(dir, 'key2'), undefined);
  } finally { await rm(dir, { recursive: true, force: true }); }
});

test('a blob changed, truncated, touched, removed or added makes the outputs stale', async () => {
  const blob = (d: string) => join(d, 'oci', 'blobs', 'sha256', 'aa');
  const damage: [string, (d: string) => Promise<unknown>][] = [
    ['appended', (d) => appendFile(blob(d), 'x')],
    ['truncated', (d) => truncate(blob(d), 2)],
    ['rewritten with its old size and time', async (d) => {
      const { atime, mtime } = await stat(blob(d));
      await writeFile(blob(d), 'LAYER BYTES');
      await utimes(blob(d), atime, mtime);
    }],
    ['removed', (d) => rm(blob(d))],
    ['a file added', (d) => writeFile(join(d, 'extra'), '')],
  ];
  for (const [what, f] of damage) {
    const dir = await outputs();
    try {
      await f(dir);
      assert.equal(await reusableOutputs(dir, 'key1'), undefined, what);
    } finally { await rm(dir, { recursive: true, force: true }); }
  }
});

test('the build key depends on the plan, the context, the lock and the output switches', () => {
  const parts = { plan: '{}', context: 'sha256:c', lock: 'l', options: { noGates: false, signingKey: null, vexScan: null } };
  const k = buildKey(parts);
  const others = [
    { ...parts, plan: '{"a":1}' }, { ...parts, context: 'sha256:d' }, { ...parts, lock: 'm' },
    { ...parts, options: { ...parts.options, noGates: true } }, { ...parts, options: { ...parts.options, signingKey: 'k' } },
  ];
  assert.equal(new Set([k, ...others.map(buildKey)]).size, others.length + 1);
});

test('a new build may link an earlier file only while it is as written and, for an archive, of the same recipe', async () => {
  const dir = await outputs();
  try {
    const blob = 'oci/blobs/sha256/aa';
    let prior = await priorOutputs(dir);
    assert.equal(await prior.intact(blob), join(dir, blob));
    assert.equal(await prior.intact('x-dev.tar', 'recipe1'), join(dir, 'x-dev.tar'));
    assert.equal(await prior.intact('x-dev.tar', 'recipe2'), undefined, 'another recipe');
    assert.equal(await prior.intact('oci/blobs/sha256/bb'), undefined, 'not in the record');
    const { atime, mtime } = await stat(join(dir, blob));
    await writeFile(join(dir, blob), 'LAYER BYTES');
    await utimes(join(dir, blob), atime, mtime);
    prior = await priorOutputs(dir);
    assert.equal(await prior.intact(blob), undefined, 'rewritten in place with its old size and time');
    assert.equal(await prior.intact('x-dev.tar', 'recipe1'), join(dir, 'x-dev.tar'), 'the other files stay usable');
    await rm(join(dir, BUILD_RECORD));
    assert.equal(await (await priorOutputs(dir)).intact('x-dev.tar', 'recipe1'), undefined, 'no record, nothing to link');
  } finally { await rm(dir, { recursive: true, force: true }); }
});

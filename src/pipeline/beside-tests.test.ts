// The test steps beside the early work: side by side only when safe, on a linked copy of $AIRLOCK_OUT that what the
// tests add or delete never reaches, the early work redone when a test step changed what it read, and a failed test
// step reported first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLog } from '../log.js';
import type { PlannedArtifact, PlannedStep } from './plan.js';
import { besideTests } from './beside-tests.js';

const step = (phase: PlannedStep['phase']): PlannedStep => ({ id: `build.${phase}[0]`, phase, command: 'true', network: false, inputs: 'source', caches: [] });
const plan = (phases: PlannedStep['phase'][], artifacts?: PlannedArtifact[]) => ({
  steps: phases.map(step), handoff: { ...(artifacts ? { artifacts } : {}) } as never,
});
const tick = () => new Promise((r) => setTimeout(r, 20));

async function withDirs(f: (dirs: { out: string; scratch: string }) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'airlock-beside-'));
  try {
    const dirs = { out: join(root, 'out'), scratch: join(root, 'scratch') };
    await mkdir(join(dirs.out, 'usr/bin'), { recursive: true });
    await mkdir(dirs.scratch);
    await writeFile(join(dirs.out, 'usr/bin/app'), 'v1');
    await f(dirs);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Records the order of starts and ends and the folder each early run read; `testWrites` runs inside the tests. */
function recorder(testWrites: () => Promise<void> = async () => {}) {
  const events: string[] = [];
  const read: string[] = [];
  return {
    events, read,
    tests: async () => { events.push('tests start'); await tick(); await testWrites(); events.push('tests end'); return 'tested'; },
    early: async (outDir: string) => {
      read.push(outDir);
      events.push('early start');
      await tick();
      events.push('early end');
      return `early ${read.length}: ${(await readdir(join(outDir, 'usr/bin'))).join(' ')}`;
    },
  };
}

test('with test steps and artifacts from $AIRLOCK_OUT, the early work starts before the tests end, on a linked copy', async () => {
  await withDirs(async (dirs) => {
    const r = recorder();
    const got = await besideTests(plan(['build', 'test'], [{ from: '/usr/bin/app', fromRoot: 'out', to: '/usr/bin/app' }]), dirs, memoryLog(), r.tests, r.early);
    assert.deepEqual(got, { tested: 'tested', early: 'early 1: app' });
    assert.ok(r.events.indexOf('early start') < r.events.indexOf('tests end'), r.events.join(', '));
    assert.notEqual(r.read[0], dirs.out, 'not the install root the tests write to');
    assert.equal((await stat(join(r.read[0]!, 'usr/bin/app'))).ino, (await stat(join(dirs.out, 'usr/bin/app'))).ino, 'a hard link, not a copy');
  });
});

test('without test steps, or with an artifact from the work tree, they run one after the other on $AIRLOCK_OUT, tests first', async () => {
  await withDirs(async (dirs) => {
    for (const p of [plan(['build']), plan(['build', 'test'], [{ from: 'app.py', fromRoot: 'src', to: '/app/app.py' }])]) {
      const r = recorder();
      await besideTests(p, dirs, memoryLog(), r.tests, r.early);
      assert.deepEqual(r.events, ['tests start', 'tests end', 'early start', 'early end']);
      assert.deepEqual(r.read, [dirs.out]);
    }
  });
});

test('a file a test step adds and deletes again never reaches the early work; build notes do not make it run again', async () => {
  await withDirs(async (dirs) => {
    const r = recorder(async () => {
      await writeFile(join(dirs.out, 'usr/bin/scratch-of-a-test'), 'gone before the tests end');
      await mkdir(join(dirs.out, '.airlock/tests'), { recursive: true });
      await writeFile(join(dirs.out, '.airlock/tests/build.test[0].json'), '{}');
    });
    // The early work starts at once, while the file is there in $AIRLOCK_OUT: it lists its own copy.
    const early = async (outDir: string) => { await tick(); await tick(); return r.early(outDir); };
    const tests = async () => { const t = await r.tests(); await unlink(join(dirs.out, 'usr/bin/scratch-of-a-test')); return t; };
    const log = memoryLog();
    const got = await besideTests(plan(['test']), dirs, log, tests, early);
    assert.equal(got.early, 'early 1: app');
    assert.equal(r.read.length, 1);
    assert.deepEqual(log.lines, []);
  });
});

test('a test step that writes a file of $AIRLOCK_OUT makes the early work run again on what it left', async () => {
  await withDirs(async (dirs) => {
    const r = recorder(async () => { await writeFile(join(dirs.out, 'usr/bin/app'), 'v2, written by a test'); });
    const log = memoryLog();
    const got = await besideTests(plan(['test']), dirs, log, r.tests, r.early);
    assert.equal(got.early, 'early 2: app', 'the second run is the one kept');
    assert.deepEqual(r.read.slice(1), [dirs.out]);
    assert.equal(await readFile(join(dirs.out, 'usr/bin/app'), 'utf8'), 'v2, written by a test');
    assert.match(log.lines.join('\n'), /a test step changed \$AIRLOCK_OUT \(usr\/bin\/app\): the handoff, prod and dev are made again/);
  });
});

test('a failed test step is the error, after the early work has settled; an early failure alone is thrown', async () => {
  await withDirs(async (dirs) => {
    const events: string[] = [];
    const failingTests = async () => { await tick(); throw new Error('make check failed'); };
    const failingEarly = async () => { await tick(); await tick(); events.push('early settled'); throw new Error('no artifacts'); };
    await assert.rejects(besideTests(plan(['test']), dirs, memoryLog(), failingTests, failingEarly), /make check failed/);
    assert.deepEqual(events, ['early settled'], 'the workspace outlives the early work');
    await rm(join(dirs.scratch, 'out-before-tests'), { recursive: true });
    await assert.rejects(besideTests(plan(['test']), dirs, memoryLog(), async () => 'ok', failingEarly), /no artifacts/);
  });
});

test('an early result the build does not keep is dropped before anything goes on: failed tests, or a redo', async () => {
  await withDirs(async (dirs) => {
    const dropped: string[] = [];
    const drop = async (e: string) => { await tick(); dropped.push(e); };
    const r = recorder();
    const failingTests = async () => { await tick(); await tick(); throw new Error('make check failed'); };
    await assert.rejects(besideTests(plan(['test']), dirs, memoryLog(), failingTests, r.early, drop), /make check failed/);
    assert.deepEqual(dropped, ['early 1: app'], 'dropped before the failure is thrown');
    await rm(join(dirs.scratch, 'out-before-tests'), { recursive: true });

    dropped.length = 0;
    const redo = recorder(async () => { await writeFile(join(dirs.out, 'usr/bin/app'), 'v2'); });
    const events: string[] = [];
    const early = async (outDir: string) => { const got = await redo.early(outDir); events.push(`made ${got}`); return got; };
    const dropping = async (e: string) => { events.push(`dropped ${e}`); await drop(e); };
    const got = await besideTests(plan(['test']), dirs, memoryLog(), redo.tests, early, dropping);
    assert.equal(got.early, 'early 2: app');
    assert.deepEqual(events, ['made early 1: app', 'dropped early 1: app', 'made early 2: app'], 'the first is dropped before the second starts');
    await rm(join(dirs.scratch, 'out-before-tests'), { recursive: true });

    dropped.length = 0;
    const kept = await besideTests(plan(['test']), dirs, memoryLog(), recorder().tests, recorder().early, drop);
    assert.equal(kept.early, 'early 1: app');
    assert.deepEqual(dropped, [], 'what the build keeps is not dropped');
  });
});

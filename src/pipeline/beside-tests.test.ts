// The test steps beside the early work: side by side only when safe, the early work redone when a test step changed
// what it read, and a failed test step reported first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

async function withOut(f: (out: string) => Promise<void>): Promise<void> {
  const out = await mkdtemp(join(tmpdir(), 'airlock-beside-'));
  try {
    await mkdir(join(out, 'usr/bin'), { recursive: true });
    await writeFile(join(out, 'usr/bin/app'), 'v1');
    await f(out);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** Records the order of starts and ends; `testWrites` runs inside the tests, before they end. */
function recorder(testWrites: () => Promise<void> = async () => {}) {
  const events: string[] = [];
  let earlyRuns = 0;
  return {
    events,
    earlyRuns: () => earlyRuns,
    tests: async () => { events.push('tests start'); await tick(); await testWrites(); events.push('tests end'); return 'tested'; },
    early: async () => { earlyRuns++; events.push('early start'); await tick(); events.push('early end'); return `early ${earlyRuns}`; },
  };
}

test('with test steps and artifacts from $AIRLOCK_OUT, the early work starts before the tests end', async () => {
  await withOut(async (out) => {
    const r = recorder();
    const got = await besideTests(plan(['build', 'test'], [{ from: '/usr/bin/app', fromRoot: 'out', to: '/usr/bin/app' }]), out, memoryLog(), r.tests, r.early);
    assert.deepEqual(got, { tested: 'tested', early: 'early 1' });
    assert.ok(r.events.indexOf('early start') < r.events.indexOf('tests end'), r.events.join(', '));
  });
});

test('without test steps, or with an artifact from the work tree, they run one after the other, tests first', async () => {
  await withOut(async (out) => {
    for (const p of [plan(['build']), plan(['build', 'test'], [{ from: 'app.py', fromRoot: 'src', to: '/app/app.py' }])]) {
      const r = recorder();
      await besideTests(p, out, memoryLog(), r.tests, r.early);
      assert.deepEqual(r.events, ['tests start', 'tests end', 'early start', 'early end']);
    }
  });
});

test('a test step that changes $AIRLOCK_OUT makes the early work run again; build notes do not', async () => {
  await withOut(async (out) => {
    const notes = recorder(async () => {
      await mkdir(join(out, '.airlock/tests'), { recursive: true });
      await writeFile(join(out, '.airlock/tests/build.test[0].json'), '{}');
    });
    const log1 = memoryLog();
    assert.equal((await besideTests(plan(['test']), out, log1, notes.tests, notes.early)).early, 'early 1');
    assert.equal(notes.earlyRuns(), 1);
    assert.deepEqual(log1.lines, []);

    const changes = recorder(async () => { await writeFile(join(out, 'usr/bin/app'), 'v2, written by a test'); });
    const log2 = memoryLog();
    const got = await besideTests(plan(['test']), out, log2, changes.tests, changes.early);
    assert.equal(got.early, 'early 2', 'the second run is the one kept');
    assert.match(log2.lines.join('\n'), /a test step changed \$AIRLOCK_OUT \(usr\/bin\/app\): the handoff, prod and dev are made again/);
  });
});

test('a failed test step is the error, after the early work has settled; an early failure alone is thrown', async () => {
  await withOut(async (out) => {
    const events: string[] = [];
    const failingTests = async () => { await tick(); throw new Error('make check failed'); };
    const failingEarly = async () => { await tick(); await tick(); events.push('early settled'); throw new Error('no artifacts'); };
    await assert.rejects(besideTests(plan(['test']), out, memoryLog(), failingTests, failingEarly), /make check failed/);
    assert.deepEqual(events, ['early settled'], 'the workspace outlives the early work');
    await assert.rejects(besideTests(plan(['test']), out, memoryLog(), async () => 'ok', failingEarly), /no artifacts/);
  });
});

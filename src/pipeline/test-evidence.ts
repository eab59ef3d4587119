// What the test steps showed: the counts their runner printed and the coverage total, kept among the build notes of
// $AIRLOCK_OUT (recorded with the step, so a step replayed from the cache keeps them; never part of an image), then
// summed up for the report and checked against build.coverage.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCoverage, parseTestCounts, type TestCounts } from '../coverage/parse.js';
import { AirlockError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic.js';
import type { Log } from '../log.js';
import type { TestsOutcome } from '../report/report.js';
import { BUILD_NOTES_DIR } from '../variants/artifacts.js';
import type { BuildPlan } from './plan.js';

/**
 * Where each test step's summary is kept, under $AIRLOCK_OUT: a build note, so that no handoff (not even one copying
 * the whole source tree, as Python's does) carries it into prod.
 */
export const TEST_EVIDENCE_DIR = `${BUILD_NOTES_DIR}/tests`;
/** Output kept per test step for reading its summary (the end is what holds the totals). */
const KEEP = 4 << 20;

interface StepEvidence { step: string; counts?: TestCounts; coverage?: number }

/** For a test step: a log that also keeps the output, and `save(outDir)` writing what it showed; others: nothing. */
export function captureTests(step: { id: string; phase: string }, log: Log) {
  if (step.phase !== 'test') return { log, save: async (_outDir: string) => {} };
  let text = '';
  const tee: Log = { ...log, output: (c) => { log.output(c); text = (text + c).slice(-KEEP); } };
  return {
    log: tee,
    async save(outDir: string): Promise<void> {
      const counts = parseTestCounts(text);
      const coverage = parseCoverage(text);
      const ev: StepEvidence = {
        step: step.id, ...(counts ? { counts } : {}), ...(coverage !== undefined ? { coverage } : {}),
      };
      await mkdir(join(outDir, TEST_EVIDENCE_DIR), { recursive: true });
      await writeFileAtomic(join(outDir, TEST_EVIDENCE_DIR, `${step.id}.json`), `${JSON.stringify(ev)}\n`);
    },
  };
}

/** The test steps' summaries added to `tests`, in plan order; exit 6 when coverage is below build.coverage.min. */
export async function withTestEvidence(
  tests: TestsOutcome, plan: BuildPlan, outDir: string, log: Log,
): Promise<TestsOutcome> {
  const dir = join(outDir, TEST_EVIDENCE_DIR);
  const names = new Set(await readdir(dir).catch(() => [] as string[]));
  const evidence: StepEvidence[] = [];
  for (const s of plan.steps.filter((x) => x.phase === 'test' && names.has(`${x.id}.json`))) {
    evidence.push(JSON.parse(await readFile(join(dir, `${s.id}.json`), 'utf8')) as StepEvidence);
  }
  const counted = evidence.filter((e) => e.counts);
  const add = (k: keyof TestCounts) => counted.reduce((n, e) => n + (e.counts?.[k] ?? 0), 0);
  const out: TestsOutcome = { ...tests, ...(tests.status === 'ran' ? { passed: true } : {}) };
  if (counted.length) out.counts = { passed: add('passed'), failed: add('failed'), skipped: add('skipped') };
  const measured = evidence.filter((e) => e.coverage !== undefined).at(-1)?.coverage;
  if (!plan.coverage) return out;
  const { min, tool } = plan.coverage;
  if (measured === undefined) {
    const message = `build.coverage asks for ${min}%, but ${tool} printed no total`;
    throw new AirlockError('policy', 'coverage-not-measured', message, {
      hint: 'the test steps must run the tests (see the log above); build.test may run other commands than measured ones' });
  }
  out.coverage = { percent: measured, min, tool };
  log.info(`coverage: ${measured}% (${tool}; minimum ${min}%)`);
  if (measured < min) {
    const message = `test coverage ${measured}% is below build.coverage.min ${min}%`;
    throw new AirlockError('policy', 'coverage-below-minimum', message, {
      hint: 'add tests for the code they miss, or lower build.coverage.min' });
  }
  return out;
}

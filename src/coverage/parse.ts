// Reads test runners' summaries and coverage totals from their output (pure).
import type { Language } from '../config/types.js';

/** Tests counted from a runner's summary lines; absent fields were not printed. */
export interface TestCounts {
  passed?: number;
  failed?: number;
  skipped?: number;
}

const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));

/** The counts the runner printed (Go -v, unittest, pytest, node --test/TAP, ctest, automake, cargo, Maven), if any. */
export function parseTestCounts(output: string): TestCounts | undefined {
  const ran = /^Ran (\d+) tests? in /m.exec(output);
  if (ran) { // unittest: "Ran 5 tests", then "OK (skipped=1)" or "FAILED (failures=1, errors=1)"
    const total = Number(ran[1]);
    const field = (k: string) => Number(new RegExp(`\\b${k}=(\\d+)`).exec(output.slice(ran.index))?.[1] ?? 0);
    const failed = field('failures') + field('errors');
    const skipped = field('skipped');
    return { passed: total - failed - skipped, failed, skipped };
  }
  const pytest = /^=*\s*((?:\d+ (?:passed|failed|skipped|errors?|xfailed|xpassed)(?:, )?)+) in [\d.]+s/m.exec(output);
  if (pytest) {
    const n = (k: string) => Number(new RegExp(`(\\d+) ${k}`).exec(pytest[1]!)?.[1] ?? 0);
    return { passed: n('passed'), failed: n('failed') + n('error'), skipped: n('skipped') };
  }
  const tap = /^# pass (\d+)$/m.exec(output);
  if (tap) {
    const failed = num(/^# fail (\d+)$/m.exec(output)?.[1]);
    const skipped = num(/^# skip (\d+)$/m.exec(output)?.[1]);
    const more = { ...(failed !== undefined ? { failed } : {}), ...(skipped !== undefined ? { skipped } : {}) };
    return { passed: Number(tap[1]), ...more };
  }
  const cargo = [...output.matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/gm)];
  if (cargo.length) {
    return sum(cargo.map((m) => ({ passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]) })));
  }
  const ctest = /tests passed, (\d+) tests failed out of (\d+)/.exec(output);
  if (ctest) return { passed: Number(ctest[2]) - Number(ctest[1]), failed: Number(ctest[1]) };
  const automake = /^# PASS:\s+(\d+)$/m.exec(output);
  if (automake) {
    const f = (k: string) => Number(new RegExp(`^# ${k}:\\s+(\\d+)$`, 'm').exec(output)?.[1] ?? 0);
    return { passed: Number(automake[1]), failed: f('FAIL') + f('ERROR') + f('XPASS'), skipped: f('SKIP') };
  }
  const MAVEN = /^\[\w+\] Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)$/gm;
  const maven = [...output.matchAll(MAVEN)].at(-1);
  if (maven) {
    const [run, failures, errors, skipped] = maven.slice(1).map(Number) as [number, number, number, number];
    return { passed: run - failures - errors - skipped, failed: failures + errors, skipped };
  }
  const goV = {
    passed: count(output, /^\s*--- PASS: /gm),
    failed: count(output, /^\s*--- FAIL: /gm),
    skipped: count(output, /^\s*--- SKIP: /gm),
  };
  if (goV.passed + goV.failed + goV.skipped > 0) return goV;
  return undefined;
}

function count(text: string, re: RegExp): number {
  return [...text.matchAll(re)].length;
}

function sum(list: TestCounts[]): TestCounts {
  const add = (k: keyof TestCounts) => list.reduce((n, c) => n + (c[k] ?? 0), 0);
  return { passed: add('passed'), failed: add('failed'), skipped: add('skipped') };
}

/**
 * The line each coverage tool prints its total on: `go tool cover -func`, `coverage report`, gcovr's summary (lines;
 * "0 out of 0" is no measurement: nothing was instrumented).
 */
const TOTAL_LINES: Partial<Record<Language, RegExp>> = {
  go: /^total:\s+\(statements\)\s+([\d.]+)%\s*$/gm,
  python: /^TOTAL\s+(?:\d+\s+)+([\d.]+)%\s*$/gm,
  c: /^lines: ([\d.]+)% \(\d+ out of [1-9]\d*\)\s*$/gm,
  node: /^Lines\s*: ([\d.]+)% \( *\d+\/[1-9]\d* *\)\s*$/gm,
};

/** The total coverage in percent a measuring run printed (the last total line of any tool), or undefined. */
export function parseCoverage(output: string): number | undefined {
  const totals = Object.values(TOTAL_LINES)
    .flatMap((re) => [...output.matchAll(re)].map((m) => ({ at: m.index, pct: Number(m[1]) })));
  return totals.sort((a, b) => a.at - b.at).at(-1)?.pct;
}

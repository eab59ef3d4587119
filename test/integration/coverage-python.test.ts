// build.coverage on examples/python-web: unittest runs under Debian's python3-coverage in the sandbox; report.json
// has the counts unittest printed and the coverage total of the app (its tests left out).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';

describe('build.coverage on a Python build', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-cover-py-'));
  let build: CliResult;
  before(async () => {
    dir = await copyExample('python-web');
    appendFileSync(join(dir, 'airlock.yaml'), 'build:\n  coverage: {min: 20}\n');
    build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--no-gates', '--no-cache']);
  });
  after(() => { for (const d of [dir, out]) rmSync(d, { recursive: true, force: true }); });

  test('report.json has unittest\'s counts and the measured coverage of the app', () => {
    assert.equal(build.code, 0, build.stderr.slice(-3000));
    const { tests } = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(tests.passed, true);
    assert.ok(tests.counts.passed >= 1 && tests.counts.failed === 0, JSON.stringify(tests));
    assert.equal(tests.coverage.tool, 'python3-coverage');
    assert.ok(tests.coverage.percent >= 20 && tests.coverage.percent < 100, JSON.stringify(tests));
    assert.match(build.stderr, /^TOTAL\s+\d+\s+\d+\s+\d+%$/m, 'coverage report ran in the test step');
    assert.doesNotMatch(build.stderr, /^tests\/test_greeting\.py\s/m, 'the tests are not counted as covered code');
  });
});

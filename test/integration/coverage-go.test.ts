// Test evidence end to end on examples/go-api: build.coverage measures go test's coverage in the sandbox; the figure
// is in report.json and in the signed provenance, `policy check` reads it from there for min_coverage, and a
// minimum above the figure fails the build with exit 6 (its steps replayed from the step cache).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';

describe('build.coverage on a Go build', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const outs = mkdtempSync(join(tmpdir(), 'airlock-cover-'));
  let build: CliResult;
  let report: any;
  before(async () => {
    dir = await copyExample('go-api');
    appendFileSync(join(dir, 'airlock.yaml'), 'build:\n  coverage: {min: 5}\n');
    assert.equal((await runCli(['keygen', '--out', join(outs, 'signer')])).code, 0);
    build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(outs, 'out'),
      '--sign', join(outs, 'signer.key'), '--no-cache']);
    if (build.code === 0) report = JSON.parse(readFileSync(join(outs, 'out', 'report.json'), 'utf8'));
  });
  after(() => { for (const d of [dir, outs]) rmSync(d, { recursive: true, force: true }); });

  test('the measured figure is in report.json, in the provenance, and printed', () => {
    assert.equal(build.code, 0, build.stderr.slice(-3000));
    const { tests } = report;
    assert.equal(tests.status, 'ran');
    assert.equal(tests.passed, true);
    assert.equal(tests.coverage.min, 5);
    assert.equal(tests.coverage.tool, 'go test -cover');
    assert.ok(tests.coverage.percent > 5 && tests.coverage.percent < 100, JSON.stringify(tests));
    assert.match(build.stderr, new RegExp(`coverage: ${tests.coverage.percent}% \\(go test -cover; minimum 5%\\)`));
    assert.match(build.stderr, /total:\s+\(statements\)/, 'go tool cover ran in the test step');
    const prov = JSON.parse(readFileSync(join(outs, 'out', 'evidence', 'prod.provenance.json'), 'utf8'));
    const byproduct = prov.predicate.runDetails.byproducts.find((b: any) => b.name === 'airlock-tests');
    assert.equal(byproduct.annotations['dev.airlock.coverage'], String(tests.coverage.percent));
    assert.deepEqual(JSON.parse(Buffer.from(byproduct.content, 'base64').toString()), tests);
  });

  test('policy check reads min_coverage against the figure of the signed provenance', async () => {
    const check = async (min: number) => {
      const cfg = join(outs, `policy-${min}.yaml`);
      writeFileSync(cfg, `name: go-api\ndeployment_policy:\n  production:\n    allowed_tags: ["*"]\n    min_coverage: ${min}\n`);
      const args = ['policy', 'check', `oci:${join(outs, 'out', 'oci')}:latest-prod`, '--env', 'production', '--key', join(outs, 'signer.pub'), '-c', cfg, '--json'];
      const r = await runCli(args);
      return { code: r.code, coverage: JSON.parse(r.stdout).results.find((x: any) => x.rule === 'coverage') };
    };
    const percent = report.tests.coverage.percent;
    const low = await check(Math.floor(percent));
    assert.equal(low.coverage.status, 'pass', low.coverage.message);
    assert.equal(low.code, 0);
    const high = await check(Math.min(100, Math.ceil(percent + 1)));
    assert.equal(high.coverage.status, 'fail');
    assert.match(high.coverage.message, new RegExp(`records ${percent}% test coverage, below`));
    assert.equal(high.code, 6);
  });

  test('a minimum above the figure fails the build with exit 6', async () => {
    const file = join(dir, 'airlock.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('coverage: {min: 5}', 'coverage: {min: 99.5}'));
    const r = await runCli(['build', '-c', file, '--out', join(outs, 'high')]);
    assert.equal(r.code, 6, r.stderr.slice(-2000));
    assert.match(r.stderr, new RegExp(`error\\[coverage-below-minimum\\]: test coverage ${report.tests.coverage.percent}% is below build.coverage.min 99.5%`));
    assert.match(r.stderr, /build\.test\[0\]: CACHED/, 'the figure of a replayed test step is kept');
  });
});

// build.coverage on examples/node-web: an added fetch step installs c8 (pinned) from the npm registry into the build
// notes of $AIRLOCK_OUT, the test step runs `npm test` under c8 in the sandbox, and its line total is in report.json;
// c8 reaches no image, and a minimum above the figure fails the build with exit 6 (its steps replayed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';
import { imageFiles } from '../helpers/image-files.js';
import { readLayout } from '../../src/sinks/oci-layout.js';

describe('build.coverage on a Node.js build (c8)', { timeout: 30 * 60_000 }, () => {
  let dir = '';
  const outs = mkdtempSync(join(tmpdir(), 'airlock-cover-node-'));
  let build: CliResult;
  let report: any;
  before(async () => {
    dir = await copyExample('node-web');
    appendFileSync(join(dir, 'airlock.yaml'), 'build:\n  coverage: {min: 10}\n');
    // A function no test calls: the figure is below 100 (the example's tests cover all of answer.js).
    appendFileSync(join(dir, 'answer.js'), [
      'function unused(n) {', '  if (n > 1) {', '    return n * unused(n - 1);', '  }', '  return 1;', '}',
      'module.exports.unused = unused;', '',
    ].join('\n'));
    build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(outs, 'out'), '--no-cache']);
    if (build.code === 0) report = JSON.parse(readFileSync(join(outs, 'out', 'report.json'), 'utf8'));
  });
  after(() => { for (const d of [dir, outs]) rmSync(d, { recursive: true, force: true }); });

  test('c8 measured npm test in the sandbox; the figure is in report.json and printed', () => {
    assert.equal(build.code, 0, build.stderr.slice(-3000));
    assert.match(build.stderr, /==> build\.fetch\[1\]: npm install --prefix "\$AIRLOCK_OUT\/\.airlock\/c8" .* c8@10\.1\.3/);
    assert.match(build.stderr, /==> build\.test\[0\]: .*c8 --reporter=text-summary npm test/);
    const { tests } = report;
    assert.equal(tests.status, 'ran');
    assert.equal(tests.passed, true);
    assert.equal(tests.coverage.tool, 'c8 10.1.3');
    assert.ok(tests.coverage.percent >= 10 && tests.coverage.percent < 100, JSON.stringify(tests));
    assert.match(build.stderr, new RegExp(`^Lines\\s*: ${tests.coverage.percent}% \\( *\\d+/\\d+ *\\)`, 'm'));
  });

  test('c8 is in no image: dev, prod and test hold none of its files', async () => {
    for (const v of ['dev', 'prod', 'test']) {
      const files = await imageFiles(await readLayout(join(outs, 'out', 'oci'), `latest-${v}`));
      const c8 = [...files.keys()].filter((p) => /(^|\/)c8(\/|$)|\.airlock\//.test(p));
      assert.deepEqual(c8, [], v);
    }
  });

  test('a minimum above the figure fails the build with exit 6', async () => {
    const file = join(dir, 'airlock.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('coverage: {min: 10}', 'coverage: {min: 100}'));
    const r = await runCli(['build', '-c', file, '--out', join(outs, 'high')]);
    assert.equal(r.code, 6, r.stderr.slice(-2000));
    const percent = report.tests.coverage.percent;
    const said = `error\\[coverage-below-minimum\\]: test coverage ${percent}% is below build\\.coverage\\.min 100%`;
    assert.match(r.stderr, new RegExp(said));
    assert.match(r.stderr, /build\.test\[0\]: CACHED/, 'the figure of a replayed test step is kept');
  });
});

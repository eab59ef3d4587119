// End to end: a pyproject.toml application in the src/ layout with two console scripts
// (test/fixtures/lang/python-src-app) builds with no config beyond name, base_language and version: pip installs it
// with Debian's setuptools, offline; prod holds the installed package and both scripts, no source and no pip; the
// script named like the project runs. Scripts none of which is named like the project stop with a usage error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchedFiles } from '../helpers/cache.js';
import { copyFixture, runCli, type CliResult } from '../helpers/cli.js';
import { runImage } from '../helpers/oci-runtime.js';

const SITE = 'usr/local/lib/python3.11/dist-packages';

describe('airlock build of a pyproject application with console scripts', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-pyproject-out-'));
  const bundle = mkdtempSync(join(tmpdir(), 'airlock-pyproject-prod-'));
  const rootfs = join(bundle, 'b', 'rootfs');
  let r: CliResult;
  let report: any;
  before(async () => {
    dir = await copyFixture('python-src-app');
    r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
    if (r.code === 0) {
      report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-prod`, join(bundle, 'b')]);
    }
  });
  after(() => { for (const d of [dir, out, bundle]) rmSync(d, { recursive: true, force: true }); });

  test('pip installs the project offline with the builder\'s setuptools; its tests ran against it installed', () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.doesNotMatch(r.stderr, /build\.fetch/, 'nothing to download');
    const install = /==> build\.steps\[0\]: (CACHED )?python3 -m pip install --no-build-isolation --no-index .* \.\n/.exec(r.stderr);
    assert.ok(install, 'pip installs the project');
    if (!install[1]) assert.match(r.stderr, /Successfully installed greeter-1\.0\.0/);
    const tests = /==> build\.test\[0\]: (CACHED )?PYTHONPATH=.* python3 -m unittest discover -s tests -v/.exec(r.stderr);
    assert.ok(tests, 'unittest runs the tests');
    if (!tests[1]) assert.match(r.stderr, /test_greets_the_arguments .* \.\.\. ok/);
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
    const prod = report.variants.prod;
    const size = `${prod.compressedSize} bytes compressed, ${prod.uncompressedSize} uncompressed, ${prod.files} files`;
    console.log(`# pyproject application prod: ${size}`);
  });

  test('prod holds both console scripts and the installed package with bytecode; no source, no /app, no pip', () => {
    const paths = report.artifacts.map((a: any) => a.path);
    const installed = ['usr/local/bin/greeter', 'usr/local/bin/greeter-stats', `${SITE}/greeter/cli.py`];
    for (const p of [...installed, `${SITE}/greeter/__pycache__/cli.cpython-311.pyc`]) {
      assert.ok(paths.includes(p), p);
    }
    assert.equal(readFileSync(join(rootfs, 'usr/local/bin/greeter'), 'utf8').split('\n')[0], '#!/usr/bin/python3');
    assert.ok(!existsSync(join(rootfs, 'app')), 'the source tree does not cross');
    const source = /^(app|src|tests)\/|(^|\/)(pyproject\.toml|test_greeter\.py)$/;
    assert.deepEqual(paths.filter((p: string) => source.test(p)), []);
    assert.deepEqual(readdirSync(join(rootfs, SITE)).filter((n) => /^(pip|setuptools|wheel|pkg_resources)\b/.test(n)), []);
    assert.deepEqual(report.variants.prod.shells, []);
  });

  test('prod runs the script named like the project read-only as 65532; the other script runs too', async () => {
    const oci = join(out, 'oci');
    const main = await runImage(oci, 'latest-prod', { readOnly: true, args: ['airlock'] });
    assert.equal(main.code, 0, main.stderr);
    const answer = JSON.parse(main.stdout);
    assert.deepEqual({ ...answer, python: undefined }, {
      script: 'greeter', greeting: 'hello, airlock', uid: 65532, module: `/${SITE}/greeter/__init__.py`, python: undefined,
    });
    const other = { readOnly: true, entrypoint: ['/usr/local/bin/greeter-stats'], args: ['a b', 'c'] };
    const stats = await runImage(oci, 'latest-prod', other);
    assert.equal(stats.code, 0, stats.stderr);
    assert.deepEqual(JSON.parse(stats.stdout), { script: 'greeter-stats', words: 3 });
  });

  test('several console scripts, none named like the project, no entrypoint: exit 2 before any download', async () => {
    const pyproject = join(dir, 'pyproject.toml');
    const text = readFileSync(pyproject, 'utf8');
    writeFileSync(pyproject, text.replace('greeter = "greeter.cli:main"', 'greet = "greeter.cli:main"'));
    const cache = mkdtempSync(join(tmpdir(), 'airlock-pyproject-cache-'));
    const out2 = mkdtempSync(join(tmpdir(), 'airlock-pyproject-bad-'));
    try {
      const args = ['build', '-c', join(dir, 'airlock.yaml'), '--out', join(out2, 'o')];
      const bad = await runCli(args, { env: { AIRLOCK_CACHE: cache } });
      assert.equal(bad.code, 2, bad.stderr);
      const what = "several console scripts in pyproject.toml's [project.scripts] (greet, greeter-stats)";
      assert.ok(bad.stderr.includes(`error[entrypoint-ambiguous]: runtime.entrypoint: ${what}`), bad.stderr);
      assert.ok(bad.stderr.includes('and none is named like the project (greeter)'), bad.stderr);
      assert.ok(bad.stderr.includes('hint: set runtime.entrypoint to one of /usr/local/bin/greet, /usr/local/bin/greeter-stats'));
      // Only bookkeeping (its hold, the parsed config): no package index, no .deb, no step result.
      assert.deepEqual(fetchedFiles(cache), [], 'nothing was fetched');
      assert.deepEqual(readdirSync(out2), []);
    } finally { for (const d of [cache, out2]) rmSync(d, { recursive: true, force: true }); }
  });
});

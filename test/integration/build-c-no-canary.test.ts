// Issue 19's one-line program under hardening: maximum. It needs no stack canary, so it imports no __stack_chk_fail;
// the builder's recorded compiler switches (kept by airlock's strip) prove -fstack-protector-strong, and the gate
// passes. Its Makefile has no check or test target: the build reports "no tests found" instead of failing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseElf } from '../../src/gates/elf.js';
import { copyFixture, runCli, type CliResult } from '../helpers/cli.js';
import { runImage } from '../helpers/oci-runtime.js';

describe('a C program without arrays, hardening maximum, no test target', { timeout: 30 * 60_000 }, () => {
  let dir = '';
  let build: CliResult;
  let report: any;
  const out = () => join(dir, 'airlock-out');

  before(async () => {
    dir = await copyFixture('c-puts');
    build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out()]);
    if (build.code === 0) report = JSON.parse(readFileSync(join(out(), 'report.json'), 'utf8'));
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  test('builds, and the prod gates pass with no stack-protector finding at all', () => {
    assert.equal(build.code, 0, build.stderr.slice(-3000));
    const prod = report.variants.prod.gates;
    assert.equal(prod.passed, true, JSON.stringify(prod.findings));
    assert.deepEqual(prod.findings.filter((f: { message: string }) => /stack protector/.test(f.message)), []);
  });

  test('the stripped prod binary imports no guard but records -fstack-protector-strong', () => {
    const bundle = mkdtempSync(join(tmpdir(), 'airlock-canary-'));
    try {
      const u = spawnSync('umoci', ['unpack', '--image', `${join(out(), 'oci')}:latest-prod`, join(bundle, 'b')], { encoding: 'utf8' });
      assert.equal(u.status, 0, u.stderr);
      const info = parseElf(readFileSync(join(bundle, 'b', 'rootfs', 'usr/bin/my-application')))!;
      assert.equal(info.stripped, true);
      assert.equal(info.stackProtector, false, 'no canary is needed, so none is imported');
      assert.equal(info.recordedSwitches.length, 1, JSON.stringify(info.recordedSwitches));
      assert.match(info.recordedSwitches[0]!, /-fstack-protector-strong/);
      assert.doesNotMatch(info.recordedSwitches[0]!, /\/src|airlock|tmp/, 'no build path is recorded');
    } finally { rmSync(bundle, { recursive: true, force: true }); }
  });

  test('no test target: report.json says "no tests found" and the log warns', () => {
    assert.deepEqual(report.tests, { status: 'no tests found', note: 'the Makefile has no check or test target' });
    assert.match(build.stderr, /no tests found: the Makefile has no check or test target/);
  });

  test('prod runs; the test image exits 0 on a read-only root, saying there is nothing to test', async () => {
    const prod = await runImage(join(out(), 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(prod.code, 0, prod.stderr);
    assert.equal(prod.stdout.trim(), 'hi from a program without arrays');
    const t = await runImage(join(out(), 'oci'), 'latest-test', { readOnly: true });
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stderr, /airlock: no tests found \(the Makefile has no check or test target\)/);
  });
});

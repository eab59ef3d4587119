// End to end: examples/rust-cli (standard library only) → prod: the hardened binary and its libc closure, run under runc.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, copyFixture, runCli, type CliResult } from '../helpers/cli.js';
import { runImage, TEST_IMAGE_TIME_LIMIT } from '../helpers/oci-runtime.js';
import { validateLayout } from '../validate.js';

describe('airlock build examples/rust-cli', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-rust-out-'));
  const bundle = mkdtempSync(join(tmpdir(), 'airlock-rust-prod-'));
  const rootfs = join(bundle, 'b', 'rootfs');
  let r: CliResult;
  let report: any;
  before(async () => {
    dir = await copyExample('rust-cli');
    r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--no-cache']);
    if (r.code === 0) {
      report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-prod`, join(bundle, 'b')]);
    }
  });
  after(() => { for (const d of [dir, out, bundle]) rmSync(d, { recursive: true, force: true }); });

  test('cargo builds offline in release mode and cargo test passes in the sandbox', async () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /test tests::counts_words_per_argument \.\.\. ok/);
    await validateLayout(join(out, 'oci'), 'latest-prod');
    assert.deepEqual(report.artifacts.map((a: any) => a.path), ['usr/bin/rust-cli']);
    assert.ok(report.closurePackages.includes('libc6'), report.closurePackages.join(' '));
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
  });

  test('prod runs read-only as 65532 and prints its answer', async () => {
    const run = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true, args: ['one two', 'three'] });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { service: 'rust-cli', counts: [2, 1], total: 3 });
  });

  test('the binary is PIE with full RELRO (hardening-check); prod has no shell and no cargo', () => {
    const hc = spawnSync('hardening-check', [join(rootfs, 'usr/bin/rust-cli')], { encoding: 'utf8' }).stdout;
    assert.match(hc, /Position Independent Executable: yes/);
    assert.match(hc, /Read-only relocations: yes/);
    assert.match(hc, /Immediate binding: yes/);
    assert.deepEqual(report.variants.prod.shells, []);
    assert.ok(!existsSync(join(rootfs, 'usr/bin/cargo')) && !existsSync(join(rootfs, 'usr/bin/rustc')));
    const pkgs = readdirSync(join(rootfs, 'var/lib/dpkg/status.d')).filter((f) => !f.endsWith('.md5sums'));
    assert.ok(pkgs.every((p) => ['libc6', 'libgcc-s1', 'gcc-12-base'].includes(p)), pkgs.join(' '));
  });

  test('dev has rustc, cargo and a shell; the test image runs cargo test', async () => {
    for (const t of ['/usr/bin/rustc', '/usr/bin/cargo']) assert.ok(report.variants.dev.compilers.includes(t), report.variants.dev.compilers.join(' '));
    assert.ok(report.variants.dev.shells.length > 0);
    const t = await runImage(join(out, 'oci'), 'latest-test', { readOnly: false, timeoutMs: TEST_IMAGE_TIME_LIMIT });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.match(t.stdout + t.stderr, /test result: ok\. 1 passed/);
  });

  test('vendored crates: no fetch step, cargo builds offline from vendor/ through source replacement', async () => {
    const dir2 = await copyFixture('rust-vendored');
    const out2 = mkdtempSync(join(tmpdir(), 'airlock-rust-vendored-'));
    try {
      const b = await runCli(['build', '-c', join(dir2, 'airlock.yaml'), '--out', out2, '--no-cache']);
      assert.equal(b.code, 0, b.stderr.slice(-3000));
      assert.doesNotMatch(b.stderr, /build\.fetch|cargo fetch/, 'nothing to download');
      assert.match(b.stderr, /Compiling shout v0\.1\.0/);
      assert.match(b.stderr, /test tests::shouts_through_the_vendored_crate \.\.\. ok/);
      const run = await runImage(join(out2, 'oci'), 'latest-prod', { readOnly: true, args: ['from', 'vendor'] });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim(), 'FROM VENDOR!');
    } finally { rmSync(dir2, { recursive: true, force: true }); rmSync(out2, { recursive: true, force: true }); }
  });
});

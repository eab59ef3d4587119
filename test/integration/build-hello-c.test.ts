// End to end: examples/hello-c → dev/prod/test images, proved with skopeo, umoci, runc, podman and tar.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';
import { runImage, TEST_IMAGE_TIME_LIMIT } from '../helpers/oci-runtime.js';
import { validateLayout } from '../validate.js';

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

describe('airlock build examples/hello-c', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  // Outputs live outside the source folder, so the second build's context is the same as the first's.
  const outs = mkdtempSync(join(tmpdir(), 'airlock-hello-out-'));
  let first: CliResult;
  let report: any;
  const out1 = () => join(outs, 'out1');

  before(async () => {
    dir = await copyExample('hello-c');
    first = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out1()]);
    if (first.code === 0) report = JSON.parse(readFileSync(join(out1(), 'report.json'), 'utf8'));
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); rmSync(outs, { recursive: true, force: true }); });

  test('builds and writes the layout, the three archives, the evidence and the report', async () => {
    assert.equal(first.code, 0, first.stderr.slice(-3000));
    assert.match(first.stdout, /prod is \d+\.\d% smaller than dev/);
    for (const f of ['oci/index.json', 'hello-c-dev.tar', 'hello-c-prod.tar', 'hello-c-test.tar', 'evidence/prod.spdx.json', 'evidence/prod.provenance.json', 'report.json']) {
      assert.ok(existsSync(join(out1(), f)), f);
    }
    for (const tag of ['latest-dev', 'latest-prod', 'latest-test', 'latest']) await validateLayout(join(out1(), 'oci'), tag);
    assert.equal(report.aliases['hello-c:latest'], report.variants.prod.digest);
    assert.ok(report.reduction > 0.9, `reduction ${report.reduction}`);
    assert.equal(report.variants.prod.user, '65532:65532');
    assert.deepEqual(report.closurePackages, ['libc6']);
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings.filter((f: any) => f.severity === 'error')));
  });

  test('skopeo reads the layout and sees latest = latest-prod', () => {
    const prod = JSON.parse(sh('skopeo', ['inspect', `oci:${join(out1(), 'oci')}:latest-prod`]).stdout);
    const alias = JSON.parse(sh('skopeo', ['inspect', `oci:${join(out1(), 'oci')}:latest`]).stdout);
    assert.equal(prod.Digest, report.variants.prod.digest);
    assert.equal(alias.Digest, prod.Digest);
    const cfg = JSON.parse(sh('skopeo', ['inspect', '--config', `oci:${join(out1(), 'oci')}:latest-prod`]).stdout);
    assert.equal(cfg.config.User, '65532:65532');
    assert.deepEqual(cfg.config.Entrypoint, ['/usr/bin/hello']);
  });

  test('prod runs under runc with a read-only root as uid 65532', async () => {
    const r = await runImage(join(out1(), 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'Hello, world, from airlock! (uid 65532)');
    const named = await runImage(join(out1(), 'oci'), 'latest', { readOnly: true, args: ['auditor'] });
    assert.match(named.stdout, /Hello, auditor, from airlock! \(uid 65532\)/);
  });

  test('prod has no shell, compiler or package manager; dev has all three (read with umoci and tar)', () => {
    const bundle = mkdtempSync(join(tmpdir(), 'airlock-prod-'));
    try {
      const u = sh('umoci', ['unpack', '--image', `${join(out1(), 'oci')}:latest-prod`, join(bundle, 'b')]);
      assert.equal(u.status, 0, u.stderr);
      const rootfs = join(bundle, 'b', 'rootfs');
      assert.ok(existsSync(join(rootfs, 'usr/bin/hello')));
      for (const p of ['bin/sh', 'usr/bin/sh', 'usr/bin/bash', 'usr/bin/dash', 'usr/bin/gcc', 'usr/bin/cc', 'usr/bin/make', 'usr/bin/apt', 'usr/bin/dpkg', 'usr/bin/ld']) {
        assert.ok(!existsSync(join(rootfs, p)), `prod must not contain /${p}`);
      }
      assert.ok(existsSync(join(rootfs, 'var/lib/dpkg/status.d/libc6')), 'status.d stanza for libc6');
    } finally { rmSync(bundle, { recursive: true, force: true }); }
    // dev: list every layer of the docker-archive with GNU tar
    const work = mkdtempSync(join(tmpdir(), 'airlock-dev-'));
    try {
      assert.equal(sh('tar', ['-xf', join(out1(), 'hello-c-dev.tar'), '-C', work, 'manifest.json']).status, 0);
      const layers: string[] = JSON.parse(readFileSync(join(work, 'manifest.json'), 'utf8'))[0].Layers;
      const names = new Set<string>();
      for (const l of layers) {
        sh('tar', ['-xf', join(out1(), 'hello-c-dev.tar'), '-C', work, l]);
        for (const n of sh('tar', ['-tzf', join(work, l)]).stdout.split('\n')) names.add(n.replace(/\/$/, ''));
      }
      for (const p of ['usr/bin/bash', 'usr/bin/dash', 'usr/bin/gcc-12', 'usr/bin/make', 'usr/bin/apt', 'usr/bin/dpkg', 'usr/bin/gdb', 'usr/bin/strace', 'src/hello.c', 'usr/bin/hello']) {
        assert.ok(names.has(p), `dev must contain /${p}`);
      }
    } finally { rmSync(work, { recursive: true, force: true }); }
    assert.ok(report.variants.dev.shells.length > 0 && report.variants.dev.compilers.length > 0 && report.variants.dev.packageManagers.length > 0);
    assert.deepEqual([report.variants.prod.shells, report.variants.prod.compilers, report.variants.prod.packageManagers], [[], [], []]);
  });

  test('the test image runs the project tests and exits with their status', async () => {
    const r = await runImage(join(out1(), 'oci'), 'latest-test', { readOnly: false, timeoutMs: TEST_IMAGE_TIME_LIMIT });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hello-c: 1 test passed/);
  });

  test('podman loads the prod docker-archive', () => {
    const root = mkdtempSync(join(tmpdir(), 'airlock-podman-'));
    try {
      const r = sh('podman', ['--root', join(root, 'root'), '--runroot', join(root, 'run'), '--storage-driver', 'vfs', 'load', '-i', join(out1(), 'hello-c-prod.tar')]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout + r.stderr, /hello-c:latest-prod/);
    } finally { rmSync(root, { recursive: true, force: true }); }
  });

  test('a rebuild elsewhere on another day gives identical digests, offline and without network', async () => {
    const out2 = join(outs, 'out2');
    const again = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out2, '--offline', '--locked'], { prefix: ['unshare', '-n', 'faketime', '2031-06-01 12:00:00'] });
    assert.equal(again.code, 0, again.stderr.slice(-3000));
    const r2 = JSON.parse(readFileSync(join(out2, 'report.json'), 'utf8'));
    for (const v of ['dev', 'prod', 'test']) assert.equal(r2.variants[v].digest, report.variants[v].digest, v);
    assert.equal(readFileSync(join(out2, 'evidence/prod.spdx.json'), 'utf8'), readFileSync(join(out1(), 'evidence/prod.spdx.json'), 'utf8'));
  });

  test('ccache changes no byte: the same steps with ccache off make the same program and the same prod', async () => {
    // The first build compiled through ccache (cold in a fresh cache, warm after): this one bypasses it.
    const off = await copyExample('hello-c');
    try {
      const steps = ['CCACHE_DISABLE=1 make -j$(nproc)', 'CCACHE_DISABLE=1 make install DESTDIR="$AIRLOCK_OUT" PREFIX=/usr'];
      appendFileSync(join(off, 'airlock.yaml'), `build:\n  steps:\n${steps.map((x) => `    - '${x}'\n`).join('')}`);
      const out3 = join(outs, 'out3');
      // --no-cache: the steps must run, not replay from a step cache an earlier run of this code filled.
      const r = await runCli(['build', '-c', join(off, 'airlock.yaml'), '--out', out3, '--no-cache']);
      assert.equal(r.code, 0, r.stderr.slice(-3000));
      const r3 = JSON.parse(readFileSync(join(out3, 'report.json'), 'utf8'));
      assert.deepEqual(r3.steps.slice(0, 2).map((x: { cached: boolean }) => x.cached), [false, false], 'the steps ran');
      assert.deepEqual(r3.artifacts, report.artifacts, 'the same bytes of /usr/bin/hello');
      assert.equal(r3.variants.prod.digest, report.variants.prod.digest);
    } finally { rmSync(off, { recursive: true, force: true }); }
  });
});

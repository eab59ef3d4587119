// Multi-arch (#17) for Go: go-api built for linux/amd64 and linux/arm64 from one config, arm64 cross-compiled
// (GOARCH=arm64, cgo off) on the amd64 builder rather than emulated. The arm64 builder (made by mmdebstrap, its
// package scripts under qemu-user) gives dev and test; the steps run on the amd64 builder, which is the amd64
// platform's own (one lock, one rootfs). The arm64 prod binary is aarch64 ELF (our reader and file(1)) and answers
// its self-check under runc through binfmt; provenance names the cross builder; a --no-cache rebuild in another
// folder gives the same arm64 image; a step that turns cgo on makes the plan emulate instead, saying why.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { twoPlatformExample } from '../helpers/multi-arch.js';
import { runImage, unpackImage } from '../helpers/oci-runtime.js';
import { parseElf } from '../../src/gates/elf.js';

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('Go for arm64 cross-compiles on the amd64 builder', { timeout: 60 * 60_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'airlock-cross-'));
  const out = join(work, 'out');
  let dir = '';
  let build: CliResult;
  let report: any;
  before(async () => {
    dir = await twoPlatformExample('go-api');
    build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
    if (build.code === 0) report = json(join(out, 'report.json'));
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the log, the report and the plan say arm64 cross-compiles on the amd64 builder', async () => {
    assert.equal(build.code, 0, build.stderr.slice(-4000));
    assert.doesNotMatch(build.stderr, /run under emulation|emulated under qemu-user/);
    assert.match(build.stderr, /build steps for arm64: Go cross-compiles on the amd64 builder \(GOARCH=arm64 CGO_ENABLED=0\)/);
    const [amd, arm] = report.platforms.map((p: any) => p.report);
    assert.equal(amd.execution, undefined, 'amd64 builds natively');
    assert.deepEqual(arm.execution, { mode: 'cross', host: 'amd64', why: 'Go cross-compiles on the amd64 builder (GOARCH=arm64 CGO_ENABLED=0)' });
    // Two locks, the amd64 one serving both the amd64 platform and arm64's steps.
    assert.deepEqual(['amd64', 'arm64'].map((a) => json(join(dir, `airlock.lock.${a}.json`)).architecture), ['amd64', 'arm64']);
    assert.ok(!existsSync(join(dir, 'airlock.lock.json')));
    const plan = async (p: string) => {
      const r = await runCli(['plan', '-c', join(dir, 'airlock.yaml'), '--platform', p, '--json', '--locked']);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const [amdPlan, armPlan] = [await plan('linux/amd64'), await plan('linux/arm64')];
    assert.equal(armPlan.execution.mode, 'cross');
    assert.equal(armPlan.execution.builder.rootfsKey, amdPlan.builder.rootfsKey, "arm64's steps run on the amd64 platform's builder");
    assert.notEqual(armPlan.builder.rootfsKey, amdPlan.builder.rootfsKey, "arm64's dev and test are made from the arm64 builder");
    assert.equal(armPlan.env.GOARCH, 'arm64');
    assert.equal(amdPlan.env.GOARCH, undefined);
    // The test step passed (when it ran, or when the step cache replays its run): go test's arm64 test binary runs
    // under qemu-user through binfmt.
    assert.deepEqual(arm.tests, { status: 'ran', passed: true });
  });

  test('the arm64 prod binary is aarch64 ELF and answers under runc through binfmt', async () => {
    const layout = join(out, 'platforms', 'arm64', 'oci');
    const img = unpackImage(layout, 'latest-prod', join(work, 'arm-bundle'));
    const bin = join(img.rootfs, 'usr/bin/go-api');
    assert.equal(parseElf(readFileSync(bin))!.machineName, 'aarch64');
    assert.match(spawnSync('file', ['-b', bin], { encoding: 'utf8' }).stdout, /ELF 64-bit LSB executable, ARM aarch64.*statically linked/);
    const run = await runImage(layout, 'latest-prod', { readOnly: true, args: ['--self-check'] });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^200 \{.*"service":"go-api".*"uid":65532\}/m);
    // dev is the arm64 builder: its go is an aarch64 program.
    const dev = unpackImage(layout, 'latest-dev', join(work, 'arm-dev'));
    assert.equal(parseElf(readFileSync(join(dev.rootfs, 'usr/lib/go-1.19/bin/go')))!.machineName, 'aarch64');
  });

  test("provenance names the amd64 builder the steps ran on, beside the arm64 builder", () => {
    const prov = json(join(out, 'platforms', 'arm64', 'evidence', 'prod.provenance.json'));
    const deps = prov.predicate.buildDefinition.resolvedDependencies as any[];
    const role = (r: string) => deps.filter((d) => d.annotations?.['dev.airlock.role'] === r);
    assert.equal(role('cross-builder-rootfs').length, 1);
    assert.equal(role('builder-rootfs').length, 1);
    assert.ok(role('cross-builder').some((d) => /^pkg:deb\/debian\/golang-1\.19-go@.*arch=amd64/.test(d.uri)), 'the amd64 Go toolchain');
    assert.ok(role('builder').some((d) => /^pkg:deb\/debian\/golang-1\.19-go@.*arch=arm64/.test(d.uri)), 'the arm64 Go toolchain (dev)');
    const amdProv = json(join(out, 'platforms', 'amd64', 'evidence', 'prod.provenance.json'));
    assert.equal((amdProv.predicate.buildDefinition.resolvedDependencies as any[]).filter((d) => d.annotations?.['dev.airlock.role'] === 'cross-builder-rootfs').length, 0);
  });

  test('a --no-cache build of arm64 alone in another folder gives the same arm64 images; its host builder gets its own lock', async () => {
    const other = mkdtempSync(join(tmpdir(), 'airlock-cross-b-'));
    try {
      cpSync(dir, other, { recursive: true });
      writeFileSync(join(other, 'airlock.yaml'), readFileSync(join(other, 'airlock.yaml'), 'utf8').replace(/debian:\n {2}architectures: \[amd64, arm64\]\n/, ''));
      rmSync(join(other, 'airlock.lock.amd64.json'));
      rmSync(join(other, 'airlock.lock.arm64.json'));
      const locked = await runCli(['lock', '-c', join(other, 'airlock.yaml'), '--platform', 'linux/arm64']);
      assert.equal(locked.code, 0, locked.stderr);
      assert.match(locked.stdout, /airlock\.lock\.json: .*\(bookworm\/arm64\)/);
      assert.match(locked.stdout, /airlock\.lock\.amd64\.json: .*\(bookworm\/amd64\); the builder that cross-compiles for arm64/);
      const b = await runCli(['build', '-c', join(other, 'airlock.yaml'), '--platform', 'linux/arm64', '--out', join(other, 'out'), '--no-cache', '--locked']);
      assert.equal(b.code, 0, b.stderr.slice(-3000));
      const again = json(join(other, 'out', 'report.json'));
      const arm = report.platforms[1].report;
      for (const v of ['dev', 'prod', 'test']) assert.equal(again.variants[v].digest, arm.variants[v].digest, v);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  test('a step that turns cgo on is emulated instead, and the plan says why', async () => {
    const other = mkdtempSync(join(tmpdir(), 'airlock-cgo-'));
    const cfg = join(other, 'airlock.yaml');
    cpSync(dir, other, { recursive: true });
    writeFileSync(cfg, `${readFileSync(cfg, 'utf8')}build:\n  steps:\n    - CGO_ENABLED=1 go build -o "$AIRLOCK_OUT/usr/bin/go-api" .\n`);
    const r = await runCli(['plan', '-c', cfg, '--platform', 'linux/arm64']);
    rmSync(other, { recursive: true, force: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /emulated: on this amd64 host, under qemu-user \(a step turns cgo on \(CGO_ENABLED=1 go build/);
    assert.match(r.stderr, /build steps for arm64 run emulated under qemu-user/);
  });
});

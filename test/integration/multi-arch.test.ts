// Multi-arch (#17) end to end on hello-c: one config built for linux/amd64 and linux/arm64 (arm64 cross-compiled on
// the amd64 builder with Debian's cross compilers; arm64's own builder, made under qemu-user through binfmt_misc,
// gives dev and test; with build.cross: false the steps run there, emulated). The layout's tags are OCI image indexes that skopeo reads; `skopeo copy
// --override-arch arm64` takes the arm64 image out of our layout and out of a real docker-registry the index was
// pushed to; the arm64 prod binary is aarch64 ELF (our reader and file(1)) and prints its answer under runc with
// binfmt; per-platform archives, evidence and signatures verify; a second build in another folder gives the same
// index digests; and a no-change rebuild does nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { twoPlatformExample } from '../helpers/multi-arch.js';
import { runImage, unpackImage } from '../helpers/oci-runtime.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { parseElf } from '../../src/gates/elf.js';

const skopeo = (...args: string[]) => {
  const r = spawnSync('skopeo', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `skopeo ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('one config, two platforms: amd64 and arm64 image indexes', { timeout: 60 * 60_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'airlock-multi-'));
  const out = join(work, 'out');
  let dir = '';
  let build: CliResult;
  let report: any;
  before(async () => {
    dir = await twoPlatformExample('hello-c');
    assert.equal((await runCli(['keygen', '--out', join(work, 'k')])).code, 0);
    build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--sign', join(work, 'k.key')]);
    if (build.code === 0) report = json(join(out, 'report.json'));
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the build makes one lock per architecture and one for the cross compilers, and says arm64 cross-compiles', () => {
    assert.equal(build.code, 0, build.stderr.slice(-4000));
    assert.doesNotMatch(build.stderr, /under emulation|emulated under qemu-user/);
    assert.match(build.stderr, /build steps for arm64: C cross-compiles on the amd64 builder with binutils-aarch64-linux-gnu, gcc-12-aarch64-linux-gnu, libc6-dev-arm64-cross \(CC=aarch64-linux-gnu-gcc-12 /);
    // The test step passed (when it ran, or when the step cache replays its run): it runs the arm64 program under
    // qemu-user, its loader from the cross libc. (A replayed step prints nothing, so its output is not looked at.)
    assert.deepEqual(report.platforms[1].report.tests, { status: 'ran', passed: true });
    assert.match(build.stderr, /==> platform linux\/amd64 \(1\/2\)[\s\S]*==> platform linux\/arm64\/v8 \(2\/2\)/);
    for (const a of ['amd64', 'arm64']) assert.equal(json(join(dir, `airlock.lock.${a}.json`)).architecture, a);
    const crossLock = json(join(dir, 'airlock.lock.amd64-to-arm64.json'));
    assert.equal(crossLock.architecture, 'amd64');
    assert.ok(crossLock.sets.builder.some((p: any) => p.name === 'gcc-12-aarch64-linux-gnu' && p.architecture === 'amd64'));
    assert.ok(!existsSync(join(dir, 'airlock.lock.json')));
    assert.equal(report.platforms[1].report.execution.mode, 'cross');
    assert.equal(report.platforms[0].report.execution, undefined);
    assert.deepEqual(report.platforms.map((p: any) => p.platform), ['linux/amd64', 'linux/arm64/v8']);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, new RegExp(`data-figure="indexes\\.prod" data-value="${report.indexes.prod}"`));
    for (const a of ['amd64', 'arm64']) {
      assert.match(html, new RegExp(`href="platforms/${a}/report\\.html"`));
      assert.ok(existsSync(join(out, 'platforms', a, 'report.html')));
    }
  });

  test('skopeo reads each tag as an index with one manifest per platform', () => {
    for (const [tag, v] of [['latest-dev', 'dev'], ['latest-prod', 'prod'], ['latest-test', 'test'], ['latest', 'prod']] as const) {
      const raw = skopeo('inspect', '--raw', `oci:${out}/oci:${tag}`);
      const ix = JSON.parse(raw);
      assert.equal(ix.mediaType, 'application/vnd.oci.image.index.v1+json');
      assert.equal(`sha256:${createHash('sha256').update(raw).digest('hex')}`, report.indexes[v], tag);
      assert.deepEqual(ix.manifests.map((m: any) => m.platform), [{ architecture: 'amd64', os: 'linux' }, { architecture: 'arm64', os: 'linux', variant: 'v8' }]);
      assert.deepEqual(ix.manifests.map((m: any) => m.digest), report.platforms.map((p: any) => p.report.variants[v].digest));
    }
    const arm = JSON.parse(skopeo('inspect', '--override-arch', 'arm64', `oci:${out}/oci:latest-prod`));
    assert.equal(arm.Architecture, 'arm64');
    assert.equal(arm.Digest, report.indexes.prod); // skopeo names the index it chose from
    const armConfig = JSON.parse(skopeo('inspect', '--override-arch', 'arm64', '--config', `oci:${out}/oci:latest-prod`));
    assert.equal(armConfig.variant, 'v8');
  });

  test('skopeo copy --override-arch arm64 takes the arm64 prod out of the layout and out of a registry', async () => {
    const armProd = report.platforms[1].report.variants.prod.digest;
    skopeo('copy', '--override-arch', 'arm64', `oci:${out}/oci:latest-prod`, `oci:${join(work, 'sk')}:arm`);
    assert.equal(json(join(work, 'sk', 'index.json')).manifests[0].digest, armProd);
    let reg: TestRegistry | undefined;
    try {
      reg = await startRegistry();
      const pushed = await runCli(['copy', '--insecure', `oci:${out}/oci:latest-prod`, `docker://${reg.host}/hello-c:1.0`]);
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.equal(pushed.stdout.trim(), report.indexes.prod);
      const raw = JSON.parse(skopeo('inspect', '--tls-verify=false', '--raw', `docker://${reg.host}/hello-c:1.0`));
      assert.equal(raw.manifests.length, 2);
      skopeo('copy', '--src-tls-verify=false', '--override-arch', 'arm64', `docker://${reg.host}/hello-c:1.0`, `oci:${join(work, 'sk-reg')}:arm`);
      assert.equal(json(join(work, 'sk-reg', 'index.json')).manifests[0].digest, armProd);
      // airlock reads it back too: inspect lists both platforms.
      const ins = await runCli(['inspect', '--insecure', `docker://${reg.host}/hello-c:1.0`]);
      assert.equal(ins.code, 0, ins.stderr);
      assert.match(ins.stdout, /platforms \(2\):\n  linux\/amd64 .*\n  linux\/arm64\/v8 /);
    } finally {
      await reg?.stop();
    }
  });

  test('the arm64 prod binary is aarch64 ELF and prints its answer under runc through binfmt', async () => {
    const layout = join(out, 'platforms', 'arm64', 'oci');
    const img = unpackImage(layout, 'latest-prod', join(work, 'arm-bundle'));
    const bin = join(img.rootfs, 'usr/bin/hello');
    const elf = parseElf(readFileSync(bin))!;
    assert.equal(elf.machineName, 'aarch64');
    assert.match(elf.interpreter ?? '', /ld-linux-aarch64\.so\.1$/);
    const file = spawnSync('file', ['-b', bin], { encoding: 'utf8' });
    assert.match(file.stdout, /ELF 64-bit LSB pie executable, ARM aarch64/);
    const amdBin = join(unpackImage(join(out, 'platforms', 'amd64', 'oci'), 'latest-prod', join(work, 'amd-bundle')).rootfs, 'usr/bin/hello');
    assert.equal(parseElf(readFileSync(amdBin))!.machineName, 'x86_64');
    const run = await runImage(layout, 'latest-prod', { readOnly: true, args: ['arm64'] });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Hello, arm64, from airlock! \(uid 65532\)/);
    // airlock run picks the platform from the index.
    const viaCli = await runCli(['run', '--out', out, '--platform', 'linux/arm64', '--', 'index']);
    assert.equal(viaCli.code, 0, viaCli.stderr);
    assert.match(viaCli.stdout, /Hello, index, from airlock!/);
  });

  test('docker-archives, evidence and signatures are per platform; the index is signed too', async () => {
    for (const a of ['amd64', 'arm64']) {
      const arch = JSON.parse(skopeo('inspect', `docker-archive:${join(out, `hello-c-prod-${a}.tar`)}`));
      assert.equal(arch.Architecture, a);
      const prov = json(join(out, 'platforms', a, 'evidence', 'prod.provenance.json'));
      const digest = report.platforms.find((p: any) => p.architecture === a).report.variants.prod.digest;
      assert.equal(`sha256:${prov.subject[0].digest.sha256}`, digest);
      assert.ok(existsSync(join(out, 'platforms', a, 'evidence', 'prod.spdx.json')));
      const v = await runCli(['verify', `oci:${out}/oci:latest-prod`, '--platform', `linux/${a}`, '--key', join(work, 'k.pub')]);
      assert.equal(v.code, 0, v.stderr);
      assert.match(v.stdout, new RegExp(`verified .*@${digest}`));
      assert.match(v.stdout, /attestations: [1-9]\d* DSSE attestation/);
    }
    const ix = await runCli(['verify', `oci:${out}/oci:latest-prod`, '--key', join(work, 'k.pub')]);
    assert.equal(ix.code, 0, ix.stderr);
    assert.match(ix.stdout, new RegExp(`verified .*@${report.indexes.prod}[\\s\\S]*index: 2 platform image\\(s\\)`));
    const audit = await runCli(['audit', `oci:${out}/oci:latest-prod`, '--platform', 'linux/arm64']);
    assert.equal(audit.code, 0, audit.stderr);
    const noPlatform = await runCli(['audit', `oci:${out}/oci:latest-prod`]);
    assert.equal(noPlatform.code, 2);
    assert.match(noPlatform.stderr, /is a multi-platform index \(linux\/amd64, linux\/arm64\/v8\)[\s\S]*--platform/);
  });

  test('build.cross: false builds arm64 emulated on its own builder, and that prod answers too', async () => {
    const other = mkdtempSync(join(tmpdir(), 'airlock-emul-'));
    try {
      cpSync(dir, other, { recursive: true });
      writeFileSync(join(other, 'airlock.yaml'), `${readFileSync(join(other, 'airlock.yaml'), 'utf8')}build:\n  cross: false\n`);
      const b = await runCli(['build', '-c', join(other, 'airlock.yaml'), '--platform', 'linux/arm64', '--out', join(other, 'out')]);
      assert.equal(b.code, 0, b.stderr.slice(-3000));
      assert.match(b.stderr, /build steps for arm64 run emulated under qemu-user on this amd64 host \(much slower\): build\.cross is false/);
      const plan = await runCli(['plan', '-c', join(other, 'airlock.yaml'), '--platform', 'linux/arm64', '--json', '--locked']);
      assert.equal(plan.code, 0, plan.stderr);
      const p = JSON.parse(plan.stdout);
      assert.equal(p.env.CC, 'gcc-12', "the arm64 builder's own gcc");
      assert.equal(p.execution.builder, undefined, 'no cross builder');
      const r = json(join(other, 'out', 'report.json'));
      assert.equal(r.execution.mode, 'emulated');
      const run = await runImage(join(other, 'out', 'oci'), 'latest-prod', { readOnly: true, args: ['emulated'] });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Hello, emulated, from airlock! \(uid 65532\)/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  test('a cross build whose step ignores CC makes amd64 programs: refused, naming them, with no outputs written', async () => {
    const other = mkdtempSync(join(tmpdir(), 'airlock-fixedcc-'));
    try {
      cpSync(dir, other, { recursive: true });
      const steps = 'build:\n  steps:\n    - gcc -o hello hello.c\n    - install -D -m 0755 hello "$AIRLOCK_OUT/usr/bin/hello"\n';
      writeFileSync(join(other, 'airlock.yaml'), `${readFileSync(join(other, 'airlock.yaml'), 'utf8')}${steps}`);
      const b = await runCli(['build', '-c', join(other, 'airlock.yaml'), '--platform', 'linux/arm64', '--out', join(other, 'out')]);
      assert.equal(b.code, 4, b.stderr.slice(-2000));
      assert.match(b.stderr, /error\[cross-built-for-host\]: the cross build for arm64 made x86_64 programs: \/usr\/bin\/hello\n/);
      assert.match(b.stderr, /use \$CC\/\$CXX rather than a fixed compiler, or set build\.cross: false/);
      assert.ok(!existsSync(join(other, 'out', 'report.json')) && !existsSync(join(other, 'out', 'oci')), 'nothing written');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  test('a no-change rebuild keeps everything; another folder gives the same index digests', async () => {
    const again = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--sign', join(work, 'k.key')]);
    assert.equal(again.code, 0, again.stderr.slice(-2000));
    assert.equal((again.stderr.match(/no change since the last build/g) ?? []).length, 2, again.stderr);
    assert.deepEqual(json(join(out, 'report.json')).indexes, report.indexes);
    const other = mkdtempSync(join(tmpdir(), 'airlock-multi-b-'));
    try {
      cpSync(dir, other, { recursive: true });
      const b = await runCli(['build', '-c', join(other, 'airlock.yaml'), '--out', join(other, 'out'), '--locked']);
      assert.equal(b.code, 0, b.stderr.slice(-2000));
      assert.deepEqual(json(join(other, 'out', 'report.json')).indexes, report.indexes);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

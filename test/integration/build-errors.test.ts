// Bad input to `airlock build`: each class of mistake gets a clear message and its exit code, and no outputs.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { copyExample, repoRoot, runCli } from '../helpers/cli.js';
const repoRootDir = () => repoRoot;

describe('airlock build rejects bad input clearly', { timeout: 20 * 60_000 }, () => {
  const dirs: string[] = [];
  const project = async (edit: (yaml: string) => string, files: Record<string, string> = {}) => {
    const dir = await copyExample('hello-c');
    dirs.push(dir);
    writeFileSync(join(dir, 'airlock.yaml'), edit(readFileSync(join(dir, 'airlock.yaml'), 'utf8')));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const outDir = () => { const d = mkdtempSync(join(tmpdir(), 'airlock-err-out-')); dirs.push(d); return join(d, 'out'); };
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  test('a config with a typo and a wrong type: exit 2, line:column, path, suggestion', async () => {
    const dir = await project((y) => y.replace('build_flags:', 'build_flag:').replace('name: hello-c', 'name: hello-c\ntag: [1]'));
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', outDir()]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /airlock\.yaml:\d+:\d+: .*build_flag.*did you mean `build_flags`/);
    assert.match(r.stderr, /airlock\.yaml:3:\d+: tag/);
  });

  test('a toolchain version the suite lacks: exit 2 naming the versions it has', async () => {
    const dir = await project((y) => y.replace('gcc-12', 'gcc-99'));
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', outDir()]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /gcc 99 is not available in Debian 12; available: (\d+, )*12/);
  });

  test('an unknown package: exit 3 naming it, and no lock file written', async () => {
    const dir = await project((y) => y.replace('  packages: []', '  packages: [no-such-package-airlock]'));
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', outDir()]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /no-such-package-airlock/);
    assert.ok(!existsSync(join(dir, 'airlock.lock.json')));
  });

  test('--locked without a lock: exit 3 with a hint', async () => {
    const dir = await project((y) => y);
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', outDir(), '--locked']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /--locked: there is no lock file/);
    assert.match(r.stderr, /hint: run `airlock lock`/);
  });

  test('a failing build step: exit 4 with the step, its exit code and its last lines; no outputs', async () => {
    const dir = await project((y) => `${y}build:\n  steps:\n    - 'echo compiling; echo "hello.c:1: error: boom" >&2; exit 7'\n`);
    const out = outDir();
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /build\.steps\[0\] failed with exit code 7/);
    assert.match(r.stderr, /\| hello\.c:1: error: boom/);
    assert.ok(!existsSync(out), 'no output folder');
  });

  test('build steps have no network', async () => {
    const dir = await project((y) => `${y}build:\n  steps:\n    - echo "interfaces $(awk 'NR>2 {printf \"%s\", $1}' /proc/net/dev)"\n    - make\n    - make install DESTDIR="$AIRLOCK_OUT" PREFIX=/usr\n  test: []\n`);
    // --no-cache: the probe must really run, not replay from a step cache an earlier run of this code filled.
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', outDir(), '--no-gates', '--no-cache']);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.match(r.stderr, /^interfaces lo:$/m, 'only the loopback interface exists in a build step');
  });

  test('two executables and no entrypoint: exit 2 listing the candidates', async () => {
    const dir = await project((y) => `${y}build:\n  steps:\n    - make\n    - make install DESTDIR="$AIRLOCK_OUT" PREFIX=/usr\n    - install -m 0755 hello "$AIRLOCK_OUT/usr/bin/hello2"\n`);
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', outDir()]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /several executables could be the entrypoint: \/usr\/bin\/hello, \/usr\/bin\/hello2/);
  });
});

describe('gates and evidence in airlock build', { timeout: 20 * 60_000 }, () => {
  const dirs: string[] = [];
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  const KEY = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 'QyNTUxOQAAACDZ2W9qZXJ6b3JkZW5vdGFyZWFsa2V5YnV0bG9va3NsaWtlb25lAAAAkA==', '-----END OPENSSH PRIVATE KEY-----', ''].join('\n');

  test('a secret handed to prod fails the build with exit 6 after writing a report that lists it; --no-gates says skipped', async () => {
    const dir = await copyExample('hello-c');
    const outs = mkdtempSync(join(tmpdir(), 'airlock-gate-out-'));
    dirs.push(dir, outs);
    writeFileSync(join(dir, 'deploy_key'), KEY);
    writeFileSync(join(dir, 'airlock.yaml'), readFileSync(join(dir, 'airlock.yaml'), 'utf8') + 'artifacts:\n  - /usr/bin/hello\n  - from: src:deploy_key\n    to: /etc/app/deploy_key\nruntime:\n  entrypoint: [/usr/bin/hello]\n');
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(outs, 'a')]);
    assert.equal(r.code, 6, r.stderr.slice(-2000));
    const report = JSON.parse(readFileSync(join(outs, 'a', 'report.json'), 'utf8'));
    assert.equal(report.variants.prod.gates.passed, false);
    const secret = report.variants.prod.gates.findings.find((f: any) => f.id === 'no-secrets');
    assert.equal(secret?.path, 'etc/app/deploy_key');
    assert.ok(!JSON.stringify(report).includes('b3BlbnNzaC1rZXkt'), 'the secret itself is never printed');
    const skipped = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(outs, 'b'), '--no-gates']);
    assert.equal(skipped.code, 0, skipped.stderr.slice(-2000));
    assert.equal(JSON.parse(readFileSync(join(outs, 'b', 'report.json'), 'utf8')).variants.prod.gates.skipped, true);
  });

  test('--sign and --vex-scan write an openssl-verifiable signature and a VEX for prod', async () => {
    const dir = await copyExample('hello-c');
    const outs = mkdtempSync(join(tmpdir(), 'airlock-sign-out-'));
    dirs.push(dir, outs);
    const kg = await runCli(['keygen', '--out', join(outs, 'k')]);
    assert.equal(kg.code, 0, kg.stderr);
    const out = join(outs, 'o');
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--sign', join(outs, 'k.key'), '--vex-scan', join(repoRootDir(), 'test/fixtures/evidence/trivy-dev.json')]);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    const sig = Buffer.from(readFileSync(join(out, 'evidence/prod.sig'), 'utf8').trim(), 'base64');
    writeFileSync(join(outs, 'sig.der'), sig);
    const v = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(outs, 'k.pub'), '-signature', join(outs, 'sig.der'), join(out, 'evidence/prod.sig.payload.json')], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /Verified OK/);
    const payload = JSON.parse(readFileSync(join(out, 'evidence/prod.sig.payload.json'), 'utf8'));
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(payload.critical.image['docker-manifest-digest'], report.variants.prod.digest);
    // the signature and attestations are also in the layout, where airlock verify (and cosign --local-image) read them
    const verified = await runCli(['verify', `oci:${join(out, 'oci')}:latest-prod`, '--key', join(outs, 'k.pub')]);
    assert.equal(verified.code, 0, verified.stderr + verified.stdout);
    const vex = JSON.parse(readFileSync(join(out, 'evidence/prod.vex.json'), 'utf8'));
    const byPkg = (name: string) => vex.statements.find((s: any) => s.products[0].subcomponents[0]['@id'].includes(`/${name}@`));
    assert.equal(byPkg('gcc-12')?.status, 'not_affected');
    assert.equal(byPkg('gcc-12')?.justification, 'component_not_present');
    assert.notEqual(byPkg('libc6')?.status, 'not_affected');
  });
});

describe('variant flags', { timeout: 20 * 60_000 }, () => {
  const dirs: string[] = [];
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  test('prod.include_source puts the source in prod with a warning; dev without source has no /src', async () => {
    const dir = await copyExample('hello-c');
    const outs = mkdtempSync(join(tmpdir(), 'airlock-flags-out-'));
    dirs.push(dir, outs);
    writeFileSync(join(dir, 'airlock.yaml'), readFileSync(join(dir, 'airlock.yaml'), 'utf8') + 'variants:\n  prod:\n    include_source: true\n  dev:\n    include_source: false\n');
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(outs, 'o')]);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.match(r.stderr, /warning: .*include_source/);
    const list = (tag: string) => {
      const b = mkdtempSync(join(tmpdir(), 'airlock-flags-b-'));
      dirs.push(b);
      assert.equal(spawnSync('umoci', ['unpack', '--image', `${join(outs, 'o', 'oci')}:${tag}`, join(b, 'x')]).status, 0);
      return join(b, 'x', 'rootfs');
    };
    const prod = list('latest-prod');
    assert.ok(existsSync(join(prod, 'src/hello.c')), 'prod has the source');
    assert.ok(existsSync(join(prod, 'usr/bin/hello')));
    const report = JSON.parse(readFileSync(join(outs, 'o', 'report.json'), 'utf8'));
    assert.equal(report.variants.prod.gates.passed, true, 'source allowed in prod by the flag');
    // dev: list every layer but the builder's with GNU tar; no /src/hello.c
    const raw = JSON.parse(spawnSync('skopeo', ['inspect', '--raw', `oci:${join(outs, 'o', 'oci')}:latest-dev`], { encoding: 'utf8' }).stdout);
    for (const l of raw.layers.slice(1)) {
      const names = spawnSync('tar', ['-tzf', join(outs, 'o', 'oci', 'blobs', 'sha256', l.digest.slice(7))], { encoding: 'utf8' }).stdout;
      assert.ok(!names.split('\n').includes('src/hello.c'), 'dev without the source tree');
    }
  });
});

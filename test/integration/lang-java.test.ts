// End to end: examples/java-app (javac/jar) → prod: the headless JRE, a CA trust store generated in the build, app.jar.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';
import { runImage, TEST_IMAGE_TIME_LIMIT } from '../helpers/oci-runtime.js';
import { validateLayout } from '../validate.js';

describe('airlock build examples/java-app', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-java-out-'));
  const bundle = mkdtempSync(join(tmpdir(), 'airlock-java-prod-'));
  const rootfs = join(bundle, 'b', 'rootfs');
  let r: CliResult;
  let report: any;
  before(async () => {
    dir = await copyExample('java-app');
    r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--no-cache']);
    if (r.code === 0) {
      report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-prod`, join(bundle, 'b')]);
    }
  });
  after(() => { for (const d of [dir, out, bundle]) rmSync(d, { recursive: true, force: true }); });

  test('javac/jar build, trust store generated from the CA bundle, tests pass in the sandbox', async () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /GreetingTest: ok/);
    assert.match(r.stderr, /cacerts: \d{3} trusted certificates/);
    await validateLayout(join(out, 'oci'), 'latest-prod');
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
  });

  test('prod runs read-only as 65532 on the JRE, answers HTTP, and the JRE finds the generated trust store', async () => {
    const plain = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(plain.code, 0, plain.stderr);
    const a = JSON.parse(plain.stdout);
    assert.equal(a.service, 'java-app');
    assert.equal(a.java, '17');
    assert.ok(a.trustedCAs > 100, `the JRE trusts ${a.trustedCAs} CAs`);
    const http = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true, args: ['--self-check'] });
    assert.equal(http.code, 0, http.stderr);
    assert.match(http.stdout, /^200 \{"service":"java-app","path":"\/health"/);
  });

  test('prod: JRE only (no javac, no jdk), the trust store in keytool-readable JKS, no shell', () => {
    const pkgs = readdirSync(join(rootfs, 'var/lib/dpkg/status.d')).filter((f) => !f.endsWith('.md5sums'));
    assert.ok(pkgs.includes('openjdk-17-jre-headless'), pkgs.join(' '));
    assert.ok(!pkgs.some((p) => /jdk-headless|^openjdk-17-jdk/.test(p)), 'no JDK');
    assert.ok(!readdirSync(join(rootfs, 'usr/lib/jvm')).some((d) => existsSync(join(rootfs, 'usr/lib/jvm', d, 'bin/javac'))));
    assert.deepEqual(report.variants.prod.shells, []);
    const ks = spawnSync('keytool', ['-list', '-keystore', join(rootfs, 'etc/ssl/certs/java/cacerts'), '-storepass', 'changeit'], { encoding: 'utf8' });
    assert.equal(ks.status, 0, ks.stderr);
    assert.match(ks.stdout, /Your keystore contains \d{3} entries/);
    assert.ok(existsSync(join(rootfs, 'app/app.jar')));
  });

  test('dev has javac and a shell; the test image runs the tests', async () => {
    assert.ok(report.variants.dev.shells.length > 0);
    assert.ok(report.variants.dev.compilers.some((p: string) => p.endsWith('/javac')), report.variants.dev.compilers.join(' '));
    const t = await runImage(join(out, 'oci'), 'latest-test', { readOnly: false, timeoutMs: TEST_IMAGE_TIME_LIMIT });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.match(t.stdout + t.stderr, /GreetingTest: ok/);
  });
});

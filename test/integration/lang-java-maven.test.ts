// End to end: examples/java-maven (a pom.xml) → Maven offline against Debian's /usr/share/maven-repo in the builder;
// prod: a runtime jlinked of the modules the jar needs, the generated trust store and the jar Maven built; an offline
// rebuild gives the same digests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';
import { runImage, TEST_IMAGE_TIME_LIMIT } from '../helpers/oci-runtime.js';
import { validateLayout } from '../validate.js';
import { JLINKED, prodModules, prodTlsCheck } from '../helpers/java-prod.js';

describe('airlock build examples/java-maven', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  // Outputs live outside the source folder, so the rebuild's context is the same as the first build's.
  const outs = mkdtempSync(join(tmpdir(), 'airlock-maven-out-'));
  const out = join(outs, 'out1');
  const bundle = mkdtempSync(join(tmpdir(), 'airlock-maven-prod-'));
  const rootfs = join(bundle, 'b', 'rootfs');
  let r: CliResult;
  let report: any;
  let seconds = 0;
  before(async () => {
    dir = await copyExample('java-maven');
    const t0 = Date.now();
    r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--no-cache']);
    seconds = (Date.now() - t0) / 1000;
    if (r.code === 0) {
      report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-prod`, join(bundle, 'b')]);
    }
  });
  after(() => { for (const d of [dir, outs, bundle]) if (d) rmSync(d, { recursive: true, force: true }); });

  test('Maven builds offline from Debian\'s packaged plugins, surefire runs the JUnit 5 tests in the sandbox', async (t) => {
    t.diagnostic(`first build: ${seconds.toFixed(1)} s`);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /mvn --offline .*-Dmaven\.repo\.local=\/usr\/share\/maven-repo/);
    assert.match(r.stderr, /Building jar: \/src\/target\/java-maven-1\.0\.0\.jar/);
    assert.match(r.stderr, /Running app\.GreetingTest\s[\s\S]*Tests run: 2, Failures: 0, Errors: 0, Skipped: 0/);
    assert.match(r.stderr, /cacerts: \d{3} trusted certificates/);
    assert.match(r.stderr, /jlink: java\.base,java\.net\.http,jdk\.httpserver,jdk\.crypto\.ec,jdk\.zipfs into \/usr\/lib\/jvm\/airlock-runtime$/m);
    assert.doesNotMatch(r.stderr, /Downloading from|repo\.maven\.apache\.org\/maven2\/\S+\.jar/);
    await validateLayout(join(out, 'oci'), 'latest-prod');
    assert.equal(report.variants.prod.user, '65532:65532');
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
  });

  test('prod runs read-only as 65532 on the jlinked runtime, answers HTTP, and trusts the generated store', async () => {
    const plain = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(plain.code, 0, plain.stderr);
    const a = JSON.parse(plain.stdout);
    assert.equal(a.service, 'java-maven');
    assert.equal(a.java, '17');
    assert.ok(a.trustedCAs > 100, `the JRE trusts ${a.trustedCAs} CAs`);
    const http = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true, args: ['--self-check'] });
    assert.equal(http.code, 0, http.stderr);
    assert.match(http.stdout, /^200 \{"service":"java-maven","path":"\/health"/);
  });

  test('prod: a jlinked runtime and the jar Maven built; no JRE, Maven, plugins, JDK or shell; at most 45 MB', async (t) => {
    const { compressedSize, uncompressedSize } = report.variants.prod;
    t.diagnostic(`prod: ${compressedSize} bytes compressed, ${uncompressedSize} uncompressed`);
    const pkgs = readdirSync(join(rootfs, 'var/lib/dpkg/status.d')).filter((f) => !f.endsWith('.md5sums'));
    assert.deepEqual(pkgs.filter((p) => /maven|surefire|junit|openjdk|java/.test(p)), []);
    assert.ok(!existsSync(join(rootfs, 'usr/share/maven')) && !existsSync(join(rootfs, 'usr/share/maven-repo')));
    assert.deepEqual(readdirSync(join(rootfs, 'usr/lib/jvm')), ['airlock-runtime'], 'no usr/lib/jvm/java-17-openjdk-*');
    assert.ok(!existsSync(join(rootfs, JLINKED, 'bin/javac')));
    const modules = ['java.base', 'java.net.http', 'jdk.crypto.ec', 'jdk.httpserver', 'jdk.zipfs'];
    assert.deepEqual(await prodModules(join(out, 'oci'), 'latest-prod'), modules);
    assert.ok(compressedSize <= 45_000_000, `prod is ${compressedSize} bytes compressed`);
    const tls = await prodTlsCheck(join(out, 'oci'), 'latest-prod');
    assert.match(tls.stdout, /^TLSv1\.3 TLS_\w+ EC !$/m, tls.stderr);
    assert.deepEqual(report.variants.prod.shells, []);
    const jar = spawnSync('jar', ['--list', '--file', join(rootfs, 'app/app.jar')], { encoding: 'utf8' });
    assert.match(jar.stdout, /^META-INF\/maven\/com\.example\/java-maven\/pom\.properties$/m, 'the jar is Maven\'s');
    assert.doesNotMatch(jar.stdout, /GreetingTest/);
    assert.ok(!existsSync(join(rootfs, 'app/lib')), 'no runtime dependencies');
  });

  test('dev has Maven and a shell; the test image runs the tests with Maven offline', async () => {
    assert.ok(report.variants.dev.shells.length > 0);
    assert.ok(report.variants.dev.compilers.some((p: string) => p.endsWith('/javac')), report.variants.dev.compilers.join(' '));
    const t = await runImage(join(out, 'oci'), 'latest-test', { readOnly: false, timeoutMs: TEST_IMAGE_TIME_LIMIT });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.match(t.stdout + t.stderr, /Tests run: 2, Failures: 0, Errors: 0, Skipped: 0[\s\S]*BUILD SUCCESS/);
  });

  test('a rebuild without network on another day gives the same digests (surefire\'s timed reports stay out of the test image) and the same jar', async (t) => {
    const out2 = join(outs, 'out2');
    const t0 = Date.now();
    const again = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out2, '--offline', '--locked'], { prefix: ['unshare', '-n', 'faketime', '2031-06-01 12:00:00'] });
    t.diagnostic(`offline rebuild (warm cache): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(again.code, 0, again.stderr.slice(-3000));
    const r2 = JSON.parse(readFileSync(join(out2, 'report.json'), 'utf8'));
    for (const v of ['dev', 'prod', 'test']) assert.equal(r2.variants[v].digest, report.variants[v].digest, v);
    assert.deepEqual(r2.artifacts, report.artifacts);
  });
});

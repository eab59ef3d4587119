// End to end: examples/java-app (javac/jar) → prod: a runtime jlinked of the modules the app needs (no JRE package), a
// CA trust store generated in the build, app.jar; dev and test keep the whole JDK.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';
import { runImage, TEST_IMAGE_TIME_LIMIT } from '../helpers/oci-runtime.js';
import { probeTls, TLS_BODY } from '../helpers/tls-probe.js';
import { javaTrustStore, trustInKeystore } from '../helpers/trust-store.js';
import { validateLayout } from '../validate.js';
import { JLINKED, prodModules, prodTlsCheck } from '../helpers/java-prod.js';

// What jdeps finds in app.jar (the HTTP server and client), and the service providers the Java pack always adds.
const MODULES = ['java.base', 'java.net.http', 'jdk.crypto.ec', 'jdk.httpserver', 'jdk.zipfs'];

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

  test('javac/jar build, runtime jlinked, trust store generated from the CA bundle, tests pass in the sandbox', async () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /GreetingTest: ok/);
    assert.match(r.stderr, /jlink: java\.base,java\.net\.http,jdk\.httpserver,jdk\.crypto\.ec,jdk\.zipfs into \/usr\/lib\/jvm\/airlock-runtime$/m);
    assert.match(r.stderr, /cacerts: \d{3} trusted certificates/);
    await validateLayout(join(out, 'oci'), 'latest-prod');
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
  });

  test('prod runs read-only as 65532 on the jlinked runtime, answers HTTP, and the runtime finds the generated trust store', async () => {
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

  // The trust store is found as the image's java finds it (javax.net.ssl.trustStore, else java.home's
  // lib/security/cacerts), wherever the JRE is, and the test CA is imported into it with keytool.
  test('prod verifies HTTPS with the JRE\'s trust store (--fetch); without the store it cannot', async () => {
    const tls = await probeTls(join(out, 'oci'), 'latest-prod', {
      client: (url) => ({ args: ['--fetch', url] }),
      trust: (image, pem) => {
        const store = javaTrustStore(image);
        trustInKeystore(image, store, pem, 'airlock-test-ca');
        return store.path;
      },
    });
    assert.equal(tls.untrusted.code, 1, 'the test CA is not trusted before it is added');
    assert.match(tls.untrusted.stderr, /PKIX path building failed/);
    assert.equal(tls.trusted.code, 0, tls.trusted.stderr);
    assert.equal(tls.trusted.stdout, `200 ${TLS_BODY}`);
    assert.equal(tls.withoutStore.code, 1, tls.withoutStore.stdout);
    assert.match(tls.withoutStore.stderr, /the trustAnchors parameter must be non-empty/);
  });

  test('prod: a runtime of the jdeps modules (no JRE or JDK package), the JKS trust store, no shell, at most 45 MB', async (t) => {
    const { compressedSize, uncompressedSize } = report.variants.prod;
    t.diagnostic(`prod: ${compressedSize} bytes compressed, ${uncompressedSize} uncompressed`);
    const pkgs = readdirSync(join(rootfs, 'var/lib/dpkg/status.d')).filter((f) => !f.endsWith('.md5sums'));
    assert.deepEqual(pkgs.filter((p) => /openjdk|java/.test(p)), [], 'no JRE, no JDK, no ca-certificates-java');
    assert.deepEqual(readdirSync(join(rootfs, 'usr/lib/jvm')), ['airlock-runtime'], 'no usr/lib/jvm/java-17-openjdk-*');
    assert.ok(!existsSync(join(rootfs, JLINKED, 'bin/javac')) && !existsSync(join(rootfs, 'usr/bin/java')));
    assert.match(readFileSync(join(rootfs, JLINKED, 'release'), 'utf8'), new RegExp(`^MODULES="${MODULES.join(' ')}"$`, 'm'));
    assert.deepEqual(await prodModules(join(out, 'oci'), 'latest-prod'), MODULES);
    assert.ok(compressedSize <= 45_000_000, `prod is ${compressedSize} bytes compressed`);
    assert.deepEqual(report.variants.prod.shells, []);
    // The runtime reads Debian's trust store, and keeps java.base's security configuration.
    assert.equal(readlinkSync(join(rootfs, JLINKED, 'lib/security/cacerts')), '/etc/ssl/certs/java/cacerts');
    for (const f of ['conf/security/java.security', 'lib/security/blocked.certs', 'lib/security/public_suffix_list.dat']) {
      assert.ok(existsSync(join(rootfs, JLINKED, f)), f);
    }
    const ks = spawnSync('keytool', ['-list', '-keystore', join(rootfs, 'etc/ssl/certs/java/cacerts'), '-storepass', 'changeit'], { encoding: 'utf8' });
    assert.equal(ks.status, 0, ks.stderr);
    assert.match(ks.stdout, /Your keystore contains \d{3} entries/);
    assert.ok(existsSync(join(rootfs, 'app/app.jar')));
  });

  test('an HTTPS client in prod could verify: TLS 1.3 with an EC certificate on the jlinked runtime', async () => {
    const tls = await prodTlsCheck(join(out, 'oci'), 'latest-prod');
    assert.equal(tls.code, 0, tls.stderr);
    assert.match(tls.stdout, /^TLSv1\.3 TLS_\w+ EC !$/m);
  });

  test('dev has javac, the whole JDK\'s java on PATH and a shell; the test image runs the tests', async () => {
    assert.ok(report.variants.dev.shells.length > 0);
    assert.ok(report.variants.dev.compilers.some((p: string) => p.endsWith('/javac')), report.variants.dev.compilers.join(' '));
    const script = 'readlink -f "$(command -v java)"; java --list-modules | grep -c .';
    const java = await runImage(join(out, 'oci'), 'latest-dev', { readOnly: true, entrypoint: ['sh', '-c', script] });
    assert.equal(java.code, 0, java.stderr);
    const [path, count] = java.stdout.trim().split('\n');
    assert.match(path!, /^\/usr\/lib\/jvm\/java-17-openjdk-\w+\/bin\/java$/);
    assert.ok(Number(count) > 60, `dev's java has ${count} modules`);
    const t = await runImage(join(out, 'oci'), 'latest-test', { readOnly: false, timeoutMs: TEST_IMAGE_TIME_LIMIT });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.match(t.stdout + t.stderr, /GreetingTest: ok/);
  });
});

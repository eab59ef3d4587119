// End to end (issue 15): a sliced prod still serves the run-time lookups of its program (test/fixtures/lang/c-sliced):
// a user, localhost, iconv to ISO-8859-1, TLS verified with the image's CA bundle, a named time zone. Each probe runs
// under runc on the real prod root file system, then in a fresh unpack without the file it needs, where it must fail:
// so each passing probe shows that slicing kept that file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyFixture, runCli, type CliResult } from '../helpers/cli.js';
import { runUnpacked, unpackImage, type RunOptions, type UnpackedImage } from '../helpers/oci-runtime.js';
import { makeTestPki, startHttpsServer } from '../helpers/pki.js';
import { caBundlePath, trustInBundle } from '../helpers/trust-store.js';
import { validateLayout } from '../validate.js';

const LIB = 'usr/lib/x86_64-linux-gnu';

describe('a sliced prod serves the run-time lookups of fixtures/lang/c-sliced', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-sliced-out-'));
  const work = mkdtempSync(join(tmpdir(), 'airlock-sliced-prod-'));
  let r: CliResult;
  let report: any;
  let unpacks = 0;
  before(async () => {
    dir = await copyFixture('c-sliced');
    r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
    if (r.code === 0) report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  });
  after(() => { for (const d of [dir, out, work]) rmSync(d, { recursive: true, force: true }); });

  /** A fresh unpack of prod, less `remove` (paths of files slicing kept, each checked to be there first). */
  const prod = (remove: string[] = []): UnpackedImage => {
    const image = unpackImage(join(out, 'oci'), 'latest-prod', join(work, `b${unpacks++}`));
    for (const p of remove) {
      assert.ok(lstatSync(join(image.rootfs, p), { throwIfNoEntry: false }), `${p} is in prod`);
      rmSync(join(image.rootfs, p));
    }
    return image;
  };
  const probe = (image: UnpackedImage, args: string[], opts: Partial<RunOptions> = {}) =>
    runUnpacked(image, { readOnly: true, args, ...opts });

  test('builds; libssl3 comes by the binary\'s closure (so it is sliced), declared packages stay whole', async () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    await validateLayout(join(out, 'oci'), 'latest-prod');
    assert.ok(report.closurePackages.includes('libssl3'), report.closurePackages.join(' '));
    const pkg = (name: string) => report.slicing.packages.find((p: { name: string }) => p.name === name);
    assert.equal(pkg('libssl3')?.whole, false);
    assert.equal(pkg('libc6')?.whole, false);
    assert.ok(pkg('libc6').removedFiles > 0, 'libc6 is cut down');
    assert.equal(pkg('tzdata')?.whole, true);
    assert.equal(pkg('ca-certificates')?.whole, true);
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
  });

  // glibc 2.36 has the files and dns NSS modules built into libc.so.6 (since 2.34): libnss_files.so.2 and
  // libnss_dns.so.2, which the NSS slicing rule keeps, are empty stubs, and without /etc/nsswitch.conf glibc looks
  // users up in files and hosts in DNS, then files. So what these lookups need is /etc/passwd and /etc/hosts
  // (airlock's own base files, never sliced); removing the stubs and nsswitch.conf changes nothing.
  const NSS = [`${LIB}/libnss_files.so.2`, `${LIB}/libnss_dns.so.2`, 'etc/nsswitch.conf'];

  test('getpwuid: nonroot from /etc/passwd, with or without the NSS stubs; without /etc/passwd it fails', async () => {
    const ok = await probe(prod(), ['getpwuid']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'nonroot /home/nonroot\n');
    const noNss = await probe(prod(NSS), ['getpwuid']);
    assert.equal(noNss.stdout, 'nonroot /home/nonroot\n', `files is built into libc.so.6: ${noNss.stderr}`);
    const none = await probe(prod(['etc/passwd']), ['getpwuid']);
    assert.equal(none.code, 1, none.stdout);
    assert.match(none.stderr, /probe getpwuid: No such file or directory/);
  });

  // In the container's own network namespace there is no DNS server: only /etc/hosts can answer for localhost. prod
  // has no /etc/host.conf saying `multi on`, so glibc's files module answers with the first matching line only
  // (127.0.0.1; the ::1 line answers AF_INET6 lookups).
  test('localhost is 127.0.0.1 from /etc/hosts, with or without the NSS stubs; without /etc/hosts it fails', async () => {
    const ok = await probe(prod(), ['localhost']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, '127.0.0.1\n');
    const noNss = await probe(prod(NSS), ['localhost']);
    assert.equal(noNss.stdout, '127.0.0.1\n', noNss.stderr);
    const none = await probe(prod(['etc/hosts']), ['localhost']);
    assert.equal(none.code, 1, none.stdout);
    assert.match(none.stderr, /probe localhost: Temporary failure in name resolution/);
  });

  test('iconv converts UTF-8 to ISO-8859-1; without the gconv module ISO8859-1.so it cannot', async () => {
    const ok = await probe(prod(), ['iconv']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, '636166e9\n', '"café" in ISO-8859-1');
    const none = await probe(prod([`${LIB}/gconv/ISO8859-1.so`]), ['iconv']);
    assert.equal(none.code, 1, none.stdout);
    assert.match(none.stderr, /probe iconv: Invalid argument/);
  });

  test('TLS with libssl, verified with the CA bundle (SSL_CERT_FILE, or the cert.pem link)', async () => {
    const pki = makeTestPki('airlock test CA');
    const server = await startHttpsServer(pki, 'hello over TLS\n');
    try {
      const tls = (image: UnpackedImage, edit?: RunOptions['edit']) =>
        probe(image, ['tls', String(server.port)], { hostNetwork: true, edit });
      const withoutCertFileEnv: RunOptions['edit'] = (spec) => {
        spec.process.env = spec.process.env.filter((e: string) => !e.startsWith('SSL_CERT_FILE='));
      };
      const image = prod();
      assert.equal(caBundlePath(image), '/etc/ssl/certs/ca-certificates.crt', 'SSL_CERT_FILE names the bundle');
      const untrusted = await tls(image);
      assert.equal(untrusted.code, 1, 'the test CA is not trusted before it is added');
      assert.match(untrusted.stderr, /probe tls: unable to get local issuer certificate/);
      trustInBundle(image, pki.caCert);
      const ok = await tls(image);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout, 'HTTP/1.1 200 OK\n');
      const byDefaultPath = await tls(image, withoutCertFileEnv);
      assert.equal(byDefaultPath.code, 0, `through /usr/lib/ssl/cert.pem: ${byDefaultPath.stderr}`);
      // The OpenSSL rule's providers and engines serve legacy algorithms and hardware: the default provider, all a
      // TLS handshake uses, is inside libcrypto.so.3.
      for (const d of ['ossl-modules', 'engines-3']) rmSync(join(image.rootfs, LIB, d), { recursive: true });
      assert.equal((await tls(image)).code, 0, 'no provider or engine file is needed');
      // The link airlock adds for libssl's default paths, and the bundle itself, each removed in turn.
      rmSync(join(image.rootfs, 'usr/lib/ssl/cert.pem'));
      const noLink = await tls(image, withoutCertFileEnv);
      assert.equal(noLink.code, 1, noLink.stdout);
      assert.match(noLink.stderr, /probe tls: unable to get local issuer certificate/);
      assert.equal((await tls(image)).code, 0, 'SSL_CERT_FILE still names the bundle');
      rmSync(join(image.rootfs, 'etc/ssl/certs/ca-certificates.crt'));
      const noBundle = await tls(image);
      assert.equal(noBundle.code, 1, noBundle.stdout);
      assert.match(noBundle.stderr, /probe tls: unable to get local issuer certificate/);
    } finally {
      await server.close();
    }
  });

  test('a named time zone from tzdata; without its zone file glibc silently falls back to UTC', async () => {
    const ok = await probe(prod(), ['tz', 'Europe/Paris']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, '1970-01-01T01:00:00 CET\n');
    const none = await probe(prod(['usr/share/zoneinfo/Europe/Paris']), ['tz', 'Europe/Paris']);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /^1970-01-01T00:00:00 /, 'UTC: the zone is not found');
  });
});

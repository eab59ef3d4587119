// End to end: examples/go-api (standard library only) → prod with one static binary, fewer than 15 files, no libc.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, lstatSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, copyFixture, runCli, type CliResult } from '../helpers/cli.js';
import { runImage, TEST_IMAGE_TIME_LIMIT } from '../helpers/oci-runtime.js';
import { probeTls, TLS_BODY } from '../helpers/tls-probe.js';
import { trustInBundle } from '../helpers/trust-store.js';
import { validateLayout } from '../validate.js';

/** Every non-directory path of an unpacked root file system. */
function filesUnder(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, rel))) {
    const p = rel ? `${rel}/${name}` : name;
    if (lstatSync(join(root, p)).isDirectory()) out.push(...filesUnder(root, p));
    else out.push(p);
  }
  return out.sort();
}

describe('airlock build examples/go-api', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-go-out-'));
  let r: CliResult;
  let report: any;
  before(async () => {
    dir = await copyExample('go-api');
    r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--no-cache']);
    if (r.code === 0) report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); rmSync(out, { recursive: true, force: true }); });

  test('builds with golang-1.19-go, runs go test in the sandbox, hands off one static binary', async () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /ok\s+example\.com\/go-api/, 'go test ran in the build');
    await validateLayout(join(out, 'oci'), 'latest-prod');
    assert.deepEqual(report.artifacts.map((a: any) => a.path), ['usr/bin/go-api']);
    assert.deepEqual(report.closurePackages, [], 'a static binary has no shared-library closure');
    assert.equal(report.variants.prod.packages, 1, 'ca-certificates, for the CA bundle');
    assert.equal(report.variants.prod.gates.passed, true);
    // Go's own test keys in dev are public package data: warnings, and the log line agrees with the report.
    assert.equal(report.variants.dev.gates.passed, true);
    assert.ok(report.variants.dev.gates.findings.some((f: any) => f.id === 'no-secrets' && f.severity === 'warning'));
    assert.match(r.stderr, /gates dev: passed \(\d+ checks, 0 errors, [1-9]\d* warnings\)/);
  });

  test('prod runs read-only as 65532 and answers HTTP on loopback', async () => {
    const plain = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(JSON.parse(plain.stdout), { go: 'go1.19.8', path: '/', service: 'go-api', uid: 65532 });
    const http = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true, args: ['--self-check'] });
    assert.equal(http.code, 0, http.stderr);
    assert.match(http.stdout, /^200 \{"go":"go1\.19\.\d+","path":"\/health","service":"go-api","uid":65532\}/);
  });

  test('prod trusts the CA bundle made from ca-certificates and has no time zones unless asked', async () => {
    const t = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true, args: ['--trust'] });
    assert.equal(t.code, 0, t.stderr);
    const roots = JSON.parse(t.stdout);
    assert.ok(roots.roots > 100 && roots.isrg_root_x1 === true, t.stdout);
    const z = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true, args: ['--zone', 'Europe/Paris'] });
    assert.equal(z.code, 1, z.stdout);
    assert.match(z.stderr, /unknown time zone Europe\/Paris/);
  });

  test('prod verifies HTTPS with the CA bundle (Go\'s system roots); without the bundle it cannot', async () => {
    const client = (url: string) => ({ args: ['--fetch', url] });
    const tls = await probeTls(join(out, 'oci'), 'latest-prod', { client, trust: trustInBundle });
    assert.equal(tls.untrusted.code, 1, 'the test CA is not trusted before it is added');
    assert.match(tls.untrusted.stderr, /x509: certificate signed by unknown authority/);
    assert.equal(tls.trusted.code, 0, tls.trusted.stderr);
    assert.equal(tls.trusted.stdout, `200 ${TLS_BODY}`);
    assert.equal(tls.store, '/etc/ssl/certs/ca-certificates.crt');
    assert.equal(tls.withoutStore.code, 1, tls.withoutStore.stdout);
    assert.match(tls.withoutStore.stderr, /x509: /);
  });

  test('prod holds fewer than 15 files and no libc, no shell', () => {
    const bundle = mkdtempSync(join(tmpdir(), 'airlock-go-prod-'));
    try {
      assert.equal(spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-prod`, join(bundle, 'b')]).status, 0);
      const files = filesUnder(join(bundle, 'b', 'rootfs'));
      assert.ok(files.length < 15, `prod has ${files.length} files: ${files.join(', ')}`);
      assert.deepEqual(files, [
        'etc/debian_version', 'etc/group', 'etc/hosts', 'etc/nsswitch.conf', 'etc/os-release', 'etc/passwd', 'etc/ssl/certs/ca-certificates.crt',
        'usr/bin/go-api', 'usr/share/doc/ca-certificates/copyright',
        'var/lib/dpkg/status.d/ca-certificates', 'var/lib/dpkg/status.d/ca-certificates.md5sums',
      ]);
      const md5 = readFileSync(join(bundle, 'b', 'rootfs', 'var/lib/dpkg/status.d/ca-certificates.md5sums'), 'utf8');
      assert.deepEqual(md5.trim().split('\n').map((l) => l.split(/\s+/)[1]), ['usr/share/doc/ca-certificates/copyright'], 'md5sums lists only what prod holds');
      const env: string[] = JSON.parse(readFileSync(join(bundle, 'b', 'config.json'), 'utf8')).process.env;
      assert.ok(env.includes('SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt'), env.join(' '));
      const elf = spawnSync('file', ['-b', join(bundle, 'b', 'rootfs', 'usr/bin/go-api')], { encoding: 'utf8' }).stdout;
      assert.match(elf, /statically linked/);
      assert.deepEqual(report.variants.prod.shells, []);
    } finally { rmSync(bundle, { recursive: true, force: true }); }
  });

  test('tzdata when asked: packages: [tzdata] puts the zones in prod', async () => {
    const dir2 = await copyExample('go-api');
    const out2 = mkdtempSync(join(tmpdir(), 'airlock-go-tz-'));
    try {
      appendFileSync(join(dir2, 'airlock.yaml'), 'packages: [tzdata]\n');
      const b = await runCli(['build', '-c', join(dir2, 'airlock.yaml'), '--out', out2, '--no-cache']);
      assert.equal(b.code, 0, b.stderr.slice(-3000));
      const z = await runImage(join(out2, 'oci'), 'latest-prod', { readOnly: true, args: ['--zone', 'Europe/Paris'] });
      assert.equal(z.code, 0, z.stderr);
      assert.equal(z.stdout.trim(), '1970-01-01T01:00:00 CET');
      const r2 = JSON.parse(readFileSync(join(out2, 'report.json'), 'utf8'));
      assert.equal(r2.variants.prod.packages, 2, 'ca-certificates and tzdata, not debconf');
      assert.deepEqual(r2.variants.prod.shells, []);
    } finally { rmSync(dir2, { recursive: true, force: true }); rmSync(out2, { recursive: true, force: true }); }
  });

  test('vendored modules: no fetch step, -mod=vendor with the proxy off, and the module is in prod\'s binary', async () => {
    const dir3 = await copyFixture('go-vendored');
    const out3 = mkdtempSync(join(tmpdir(), 'airlock-go-vendored-'));
    try {
      const b = await runCli(['build', '-c', join(dir3, 'airlock.yaml'), '--out', out3, '--no-cache']);
      assert.equal(b.code, 0, b.stderr.slice(-3000));
      assert.doesNotMatch(b.stderr, /build\.fetch|go mod download/, 'nothing to download');
      assert.match(b.stderr, /GOPROXY=off GOFLAGS=-mod=vendor CGO_ENABLED=0 go build/);
      assert.match(b.stderr, /ok\s+example\.com\/go-vendored/, 'its test ran against the vendored module');
      const run = await runImage(join(out3, 'oci'), 'latest-prod', { readOnly: true, args: ['from', 'vendor'] });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim(), 'FROM VENDOR!');
    } finally { rmSync(dir3, { recursive: true, force: true }); rmSync(out3, { recursive: true, force: true }); }
  });

  test('dev has the Go toolchain and a shell; the test image runs go test', async () => {
    assert.ok(report.variants.dev.compilers.includes('/usr/bin/go'), report.variants.dev.compilers.join(' '));
    assert.ok(report.variants.dev.shells.length > 0);
    const t = await runImage(join(out, 'oci'), 'latest-test', { readOnly: false, timeoutMs: TEST_IMAGE_TIME_LIMIT });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.match(t.stdout + t.stderr, /ok\s+example\.com\/go-api/);
  });
});

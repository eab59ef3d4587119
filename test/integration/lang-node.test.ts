// End to end: examples/node-web → npm ci with the host's registry config in the fetch step; prod: node, the app and
// production node_modules only (the devDependency is-number is absent), no npm, no shell.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { runImage, TEST_IMAGE_TIME_LIMIT } from '../helpers/oci-runtime.js';
import { PROBE_SCRIPTS, probeTls, TLS_BODY } from '../helpers/tls-probe.js';
import { trustInBundle } from '../helpers/trust-store.js';
import { validateLayout } from '../validate.js';

describe('airlock build examples/node-web', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-node-out-'));
  const bundle = mkdtempSync(join(tmpdir(), 'airlock-node-prod-'));
  const rootfs = join(bundle, 'b', 'rootfs');
  let r: CliResult;
  let report: any;
  before(async () => {
    dir = await copyExample('node-web');
    r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--no-cache']);
    if (r.code === 0) {
      report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-prod`, join(bundle, 'b')]);
    }
  });
  after(() => { for (const d of [dir, out, bundle]) rmSync(d, { recursive: true, force: true }); });

  test('npm ci reaches the registry in the fetch step; npm test passes in the sandbox', async () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /build\.fetch\[0\]: npm ci/);
    assert.match(r.stderr, /# pass 1/);
    await validateLayout(join(out, 'oci'), 'latest-prod');
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
  });

  test('prod runs read-only as 65532 on Debian\'s node 18 and answers HTTP', async () => {
    const plain = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(JSON.parse(plain.stdout), { service: 'node-web', path: '/', node: '18', uid: 65532, cacheFor: '2m' });
    const http = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true, args: ['--self-check'] });
    assert.equal(http.code, 0, http.stderr);
    assert.match(http.stdout, /^200 \{"service":"node-web","path":"\/health"/);
  });

  // Debian's node reads OpenSSL's default trust store (SSL_CERT_FILE, /usr/lib/ssl/cert.pem), not a built-in list.
  test('prod verifies HTTPS with its CA bundle (node:https); without the bundle it cannot', async () => {
    const tls = await probeTls(join(out, 'oci'), 'latest-prod', {
      // the image's interpreter (its entrypoint's program) runs the probe script
      client: (url, image) => ({
        entrypoint: [image.entrypoint[0]!, '/probe/fetch.js', url], binds: { '/probe': PROBE_SCRIPTS },
      }),
      trust: trustInBundle,
    });
    assert.equal(tls.untrusted.code, 1, 'the test CA is not trusted before it is added');
    assert.match(tls.untrusted.stderr, /UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    assert.equal(tls.trusted.code, 0, tls.trusted.stderr);
    assert.equal(tls.trusted.stdout, `200 ${TLS_BODY}`);
    assert.equal(tls.store, '/etc/ssl/certs/ca-certificates.crt');
    assert.equal(tls.withoutStore.code, 1, tls.withoutStore.stdout);
    assert.match(tls.withoutStore.stderr, /UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });

  // variants.prod.icu: languages [en] — prod's libicudata.so.72 is airlock's, with English and the root locale only.
  test('prod runs Intl on its trimmed ICU data: English works, German falls back, Unicode data stays', async () => {
    const probe = await runImage(join(out, 'oci'), 'latest-prod', {
      readOnly: true, entrypoint: ['/usr/bin/node', '/probe/intl.js'], binds: { '/probe': join(repoRoot, 'test/fixtures/intl-probe') },
    });
    assert.equal(probe.code, 0, probe.stderr);
    assert.deepEqual(JSON.parse(probe.stdout), {
      icu: '72.1', date: '1/1/1970', long: 'Thursday, 1 January 1970', number: '€1,234.50',
      german: 'January', supported: ['en-GB'], nfd: 2, upper: 'STRASSE', turkish: 'İ', sorted: 'aäbz', words: 5,
      idna: 'xn--bcher-kva.example', utf8: 'é', windows1252: '€',
    });
  });

  test('the trimmed ICU data is airlock\'s: libicu72\'s md5sums and SBOM files leave it out, report, SBOM and why say so', async () => {
    const lib = 'usr/lib/x86_64-linux-gnu/libicudata.so.72.1';
    const [icu] = report.icu;
    assert.deepEqual([icu.path, icu.package, icu.languages, icu.converters], [lib, 'libicu72', ['en'], true]);
    assert.ok(icu.made.size < icu.original.size / 2, `${icu.made.size} of ${icu.original.size}`);
    const made = readFileSync(join(rootfs, lib));
    assert.equal(createHash('sha256').update(made).digest('hex'), icu.made.sha256);
    const sums = readFileSync(join(rootfs, 'var/lib/dpkg/status.d/libicu72.md5sums'), 'utf8');
    assert.match(sums, /libicuuc\.so\.72/);
    assert.doesNotMatch(sums, /libicudata/);
    const spdx = JSON.parse(readFileSync(join(out, 'evidence/prod.spdx.json'), 'utf8'));
    const file = spdx.files.find((f: any) => f.fileName === `./${lib}`);
    assert.match(file.comment, /^made by airlock in place of the file of Debian package libicu72: its ICU data \(icudt72_dat\) trimmed/);
    assert.equal(file.checksums[0].checksumValue, icu.made.sha256);
    const contained = spdx.relationships.filter((r: any) => r.relatedSpdxElement === file.SPDXID || r.spdxElementId === file.SPDXID);
    assert.deepEqual(contained.map((r: any) => r.relationshipType).sort(), ['CONTAINS', 'GENERATED_FROM']);
    assert.equal(contained.find((r: any) => r.relationshipType === 'CONTAINS').spdxElementId, 'SPDXRef-Image', 'the image holds it, not libicu72');
    const why = await runCli(['why', `/${lib}`, '--out', out]);
    assert.equal(why.code, 0, why.stderr);
    assert.match(why.stdout, /is made by airlock .*\n.*made in place of the file of libicu72: .*languages en/);
  });

  test('prod: production node_modules only, no devDependency, no npm, no shell, no tests', () => {
    assert.ok(existsSync(join(rootfs, 'app/node_modules/ms/package.json')), 'the dependency is there');
    assert.ok(!existsSync(join(rootfs, 'app/node_modules/is-number')), 'the devDependency is absent');
    assert.ok(!existsSync(join(rootfs, 'app/test')) && !existsSync(join(rootfs, 'app/airlock.yaml')));
    assert.ok(existsSync(join(rootfs, 'usr/bin/node')));
    assert.ok(!existsSync(join(rootfs, 'usr/bin/npm')) && !existsSync(join(rootfs, 'usr/share/nodejs/npm')));
    const pkgs = readdirSync(join(rootfs, 'var/lib/dpkg/status.d')).filter((f) => !f.endsWith('.md5sums'));
    for (const p of ['nodejs', 'libnode108', 'ca-certificates']) assert.ok(pkgs.includes(p), `${p}: ${pkgs.join(' ')}`);
    // Debian's nodejs itself depends on a few node-* modules (acorn, undici, …); npm and its modules stay out.
    for (const p of ['npm', 'node-semver', 'node-npm-package-arg', 'node-gyp']) assert.ok(!pkgs.includes(p), `${p} not in prod`);
    assert.deepEqual(report.variants.prod.shells, []);
    assert.deepEqual(report.variants.prod.packageManagers, []);
    const cfg = JSON.parse(readFileSync(join(bundle, 'b', 'config.json'), 'utf8'));
    assert.deepEqual(cfg.process.args, ['/usr/bin/node', '/app/server.js']);
    assert.ok(cfg.process.env.includes('NODE_ENV=production'));
  });

  test('dev has node, npm and a shell; the test image runs npm test with the devDependencies', async () => {
    assert.ok(report.variants.dev.shells.length > 0);
    assert.ok(report.variants.dev.packageManagers.some((p: string) => p.endsWith('/npm')), report.variants.dev.packageManagers.join(' '));
    const t = await runImage(join(out, 'oci'), 'latest-test', { readOnly: false, timeoutMs: TEST_IMAGE_TIME_LIMIT });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.match(t.stdout + t.stderr, /# pass 1/);
  });
});

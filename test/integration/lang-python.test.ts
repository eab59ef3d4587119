// End to end: examples/python-web (stdlib HTTP + Debian's python3-yaml) → prod: interpreter, stdlib, PyYAML, /app with bytecode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';
import { runImage, TEST_IMAGE_TIME_LIMIT } from '../helpers/oci-runtime.js';
import { PROBE_SCRIPTS, probeTls, TLS_BODY } from '../helpers/tls-probe.js';
import { trustInBundle } from '../helpers/trust-store.js';
import { validateLayout } from '../validate.js';

describe('airlock build examples/python-web', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-py-out-'));
  const bundle = mkdtempSync(join(tmpdir(), 'airlock-py-prod-'));
  const rootfs = join(bundle, 'b', 'rootfs');
  let r: CliResult;
  let report: any;
  before(async () => {
    dir = await copyExample('python-web');
    r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--no-cache']);
    if (r.code === 0) {
      report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-prod`, join(bundle, 'b')]);
    }
  });
  after(() => { for (const d of [dir, out, bundle]) rmSync(d, { recursive: true, force: true }); });

  test('builds with python3.11, compiles bytecode and runs unittest in the sandbox', async () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /Ran 1 test[\s\S]*OK/);
    assert.match(r.stderr, /stdlib bytecode: \d{3} modules/);
    await validateLayout(join(out, 'oci'), 'latest-prod');
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
  });

  test('prod runs read-only as 65532 with python3 from /usr/bin and PyYAML from Debian, and answers HTTP', async () => {
    const plain = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(JSON.parse(plain.stdout), { greeting: 'hello from prod', path: '/', python: '3.11', service: 'python-web', uid: 65532 });
    const http = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true, args: ['--self-check'] });
    assert.equal(http.code, 0, http.stderr);
    assert.match(http.stdout, /^200 \{"greeting": "hello from prod", "path": "\/health"/);
  });

  test('prod verifies HTTPS with its CA bundle (urllib: ssl\'s defaults); without the bundle it cannot', async () => {
    const tls = await probeTls(join(out, 'oci'), 'latest-prod', {
      // the image's interpreter (its entrypoint's program) runs the probe script
      client: (url, image) => ({
        entrypoint: [image.entrypoint[0]!, '/probe/fetch.py', url], binds: { '/probe': PROBE_SCRIPTS },
      }),
      trust: trustInBundle,
    });
    assert.equal(tls.untrusted.code, 1, 'the test CA is not trusted before it is added');
    assert.match(tls.untrusted.stderr, /CERTIFICATE_VERIFY_FAILED/);
    assert.equal(tls.trusted.code, 0, tls.trusted.stderr);
    assert.equal(tls.trusted.stdout, `200 ${TLS_BODY}`);
    assert.equal(tls.store, '/etc/ssl/certs/ca-certificates.crt');
    assert.equal(tls.withoutStore.code, 1, tls.withoutStore.stdout);
    assert.match(tls.withoutStore.stderr, /CERTIFICATE_VERIFY_FAILED/);
  });

  test('prod: runtime packages only (no pip, ensurepip, setuptools, -dev), no shell, app with bytecode and without tests', () => {
    const pkgs = readdirSync(join(rootfs, 'var/lib/dpkg/status.d')).filter((f) => !f.endsWith('.md5sums')).sort();
    const wanted = ['python3.11-minimal', 'libpython3.11-stdlib', 'python3-minimal', 'python3-yaml', 'ca-certificates'];
    for (const p of wanted) assert.ok(pkgs.includes(p), `${p} in prod: ${pkgs.join(' ')}`);
    for (const p of pkgs) assert.doesNotMatch(p, /pip|setuptools|-dev$|^python3\.11-venv$|^dash$|^bash$/, p);
    assert.equal(readlinkSync(join(rootfs, 'usr/bin/python3')), 'python3.11', 'python3-minimal provides the entrypoint path');
    assert.ok(lstatSync(join(rootfs, 'usr/bin/python3.11')).isFile());
    assert.ok(!existsSync(join(rootfs, 'usr/lib/python3.11/ensurepip')));
    assert.ok(!existsSync(join(rootfs, 'usr/lib/python3/dist-packages/pip')));
    assert.ok(!existsSync(join(rootfs, 'bin/sh')) && !existsSync(join(rootfs, 'usr/bin/sh')));
    assert.deepEqual(report.variants.prod.shells, []);
    assert.deepEqual(report.variants.prod.packageManagers, []);
    assert.ok(existsSync(join(rootfs, 'app/main.py')) && existsSync(join(rootfs, 'app/settings.yaml')));
    const pyc = join(rootfs, 'app/__pycache__/greeting.cpython-311.pyc');
    assert.ok(existsSync(pyc), 'bytecode compiled in the build is handed off');
    const flags = readFileSync(pyc).readUInt32LE(4);
    assert.equal(flags & 1, 1, 'hash-based pyc (no source mtime inside)');
    assert.ok(!existsSync(join(rootfs, 'app/tests')) && !existsSync(join(rootfs, 'app/airlock.yaml')));
    const notes = (report.artifacts as { path: string }[]).filter((a) => /(^|\/)\.airlock/.test(a.path));
    assert.deepEqual(notes, [], 'airlock\'s own notes (test evidence, no-tests marker) stay out of prod');
    const stdlibPyc = join(rootfs, 'usr/lib/python3.11/__pycache__/os.cpython-311.pyc');
    assert.ok(existsSync(stdlibPyc), 'the stdlib bytecode py3compile would write is there');
    assert.equal(readFileSync(stdlibPyc).readUInt32LE(4) & 3, 3, 'hash-based, checked against the source');
    const cfg = JSON.parse(readFileSync(join(bundle, 'b', 'config.json'), 'utf8'));
    assert.deepEqual(cfg.process.args, ['/usr/bin/python3', '/app/main.py']);
    assert.equal(cfg.process.cwd, '/app');
  });

  test('dev has python3 and a shell; the test image runs the unit tests', async () => {
    assert.ok(report.variants.dev.shells.length > 0);
    assert.ok(spawnSync('umoci', ['stat', '--image', `${join(out, 'oci')}:latest-dev`]).status === 0);
    const t = await runImage(join(out, 'oci'), 'latest-test', { readOnly: false, timeoutMs: TEST_IMAGE_TIME_LIMIT });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.match(t.stdout + t.stderr, /Ran 1 test[\s\S]*OK/);
  });
});

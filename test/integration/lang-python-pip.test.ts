// End to end: examples/python-pip (requirements.txt → pip in the fetch step, offline from vendor/) → prod: interpreter,
// stdlib, tinylib under /usr/local with hash-based bytecode, /app; then the same app from a local index named by the
// host's pip configuration (PIP_CONFIG_FILE), which only the fetch step sees.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { runImage, TEST_IMAGE_TIME_LIMIT } from '../helpers/oci-runtime.js';
import { validateLayout } from '../validate.js';
import { pythonPack } from '../../src/lang/python.js';
import { readSourceInfo } from '../../src/pipeline/source-info.js';

const SITE = 'usr/local/lib/python3.11/dist-packages';
const NOT_IN_PROD = /^(pip|setuptools|wheel|_distutils_hack|pkg_resources|ensurepip|distutils-precedence\.pth)$|^(pip|setuptools|wheel)-.*\.dist-info$/;

/** Every path under `root` (relative), directories included. */
function walk(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    out.push(p);
    if (e.isDirectory()) out.push(...walk(root, p));
  }
  return out;
}

/** Builds a project and unpacks its prod image. */
async function buildAndUnpack(dir: string, env: NodeJS.ProcessEnv = {}) {
  const out = mkdtempSync(join(tmpdir(), 'airlock-pip-out-'));
  const bundle = mkdtempSync(join(tmpdir(), 'airlock-pip-prod-'));
  const t0 = Date.now();
  const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--no-cache'], { env });
  const seconds = (Date.now() - t0) / 1000;
  let report: any;
  if (r.code === 0) {
    report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-prod`, join(bundle, 'b')]);
  }
  return { r, out, bundle, rootfs: join(bundle, 'b', 'rootfs'), report, seconds };
}

describe('airlock build examples/python-pip', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  let b: Awaited<ReturnType<typeof buildAndUnpack>>;
  let r: CliResult;
  before(async () => {
    dir = await copyExample('python-pip');
    b = await buildAndUnpack(dir);
    r = b.r;
    console.log(`python-pip built in ${b.seconds.toFixed(0)} s`);
  });
  after(() => { for (const d of [dir, b?.out, b?.bundle]) if (d) rmSync(d, { recursive: true, force: true }); });

  test('pip installs the vendored requirement offline in the fetch step; bytecode; unittest in the sandbox', async () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    const fetch = r.stderr.indexOf('==> build.fetch[0]: python3 -m pip install');
    assert.ok(fetch >= 0, 'the requirements went through pip in the fetch step');
    assert.match(r.stderr.slice(fetch), /^==> build\.fetch\[0\]: [^\n]*--root "\$AIRLOCK_OUT" --no-index --find-links vendor -r requirements\.txt\n/);
    const fetchLog = r.stderr.slice(fetch, r.stderr.indexOf('==> build.steps[0]'));
    assert.match(fetchLog, /Processing \.\/vendor\/tinylib[\s\S]*Successfully installed tinylib-1\.0\.0/);
    assert.match(r.stderr, /dependency bytecode: 1 modules/);
    assert.match(r.stderr, /Ran 2 tests[\s\S]*OK/);
    await validateLayout(join(b.out, 'oci'), 'latest-prod');
    assert.equal(b.report.variants.prod.gates.passed, true, JSON.stringify(b.report.variants.prod.gates.findings));
  });

  test('prod runs read-only as 65532 with tinylib from /usr/local, and answers HTTP', async () => {
    const plain = await runImage(join(b.out, 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(JSON.parse(plain.stdout), {
      from: `/${SITE}/tinylib`, greeting: 'hello-from-prod', path: '/', python: '3.11', service: 'python-pip', tinylib: '1.0.0', uid: 65532,
    });
    const http = await runImage(join(b.out, 'oci'), 'latest-prod', { readOnly: true, args: ['--self-check'] });
    assert.equal(http.code, 0, http.stderr);
    assert.match(http.stdout, /^200 \{"from": "\/usr\/local\/lib\/python3\.11\/dist-packages\/tinylib", "greeting": "hello-from-prod", "path": "\/health"/);
  });

  test('prod: no pip, setuptools or wheel (packages or vendored copies), no shell; tinylib with checked-hash bytecode', () => {
    const { rootfs, report } = b;
    const pkgs = readdirSync(join(rootfs, 'var/lib/dpkg/status.d')).filter((f) => !f.endsWith('.md5sums')).sort();
    for (const p of ['python3.11-minimal', 'libpython3.11-stdlib', 'python3-minimal']) assert.ok(pkgs.includes(p), `${p} in prod: ${pkgs.join(' ')}`);
    for (const p of pkgs) assert.doesNotMatch(p, /pip|setuptools|wheel|-dev$|venv|^dash$|^bash$/, p);
    const paths = walk(rootfs);
    assert.deepEqual(paths.filter((p) => NOT_IN_PROD.test(p.split('/').pop()!)), [], 'no copy of pip, setuptools or wheel anywhere');
    assert.ok(!existsSync(join(rootfs, 'bin/sh')) && !existsSync(join(rootfs, 'usr/bin/sh')));
    assert.deepEqual(report.variants.prod.shells, []);
    assert.deepEqual(report.variants.prod.packageManagers, []);
    // What pip installed, and nothing else under /usr/local.
    assert.deepEqual(paths.filter((p) => p.startsWith('usr/local/')).filter((p) => !p.startsWith(`${SITE}/tinylib`)), ['usr/local/lib', 'usr/local/lib/python3.11', SITE]);
    assert.ok(existsSync(join(rootfs, SITE, 'tinylib-1.0.0.dist-info/METADATA')));
    const pyc = readFileSync(join(rootfs, SITE, 'tinylib/__pycache__/__init__.cpython-311.pyc'));
    assert.equal(pyc.readUInt32LE(4), 3, 'hash-based and checked against the source: prod never rewrites it');
    assert.ok(pyc.includes(Buffer.from(`/${SITE}/tinylib/__init__.py`)), 'compiled with the path it runs from');
    assert.ok(!pyc.includes(Buffer.from('/airlock/out')));
    const check = spawnSync('python3', ['-c', 'import importlib.util as u, sys; print(u.source_hash(open(sys.argv[1], "rb").read()).hex())', join(rootfs, SITE, 'tinylib/__init__.py')], { encoding: 'utf8' });
    if (check.status === 0) assert.equal(pyc.subarray(8, 16).toString('hex'), check.stdout.trim(), 'the source hash inside matches the source');
    // The app, without its tests or the vendored source pip installed from.
    assert.ok(existsSync(join(rootfs, 'app/main.py')) && existsSync(join(rootfs, 'app/__pycache__/greeting.cpython-311.pyc')));
    assert.ok(!existsSync(join(rootfs, 'app/tests')) && !existsSync(join(rootfs, 'app/vendor')) && !existsSync(join(rootfs, 'app/airlock.yaml')));
    const cfg = JSON.parse(readFileSync(join(b.bundle, 'b', 'config.json'), 'utf8'));
    assert.deepEqual(cfg.process.args, ['/usr/bin/python3', '/app/main.py']);
    assert.equal(cfg.process.cwd, '/app');
    assert.ok(cfg.process.env.includes('PYTHONDONTWRITEBYTECODE=1'));
  });

  test('dev has pip and a shell; the test image runs the unit tests with tinylib', async () => {
    assert.ok(b.report.variants.dev.packageManagers.includes('/usr/bin/pip3'), b.report.variants.dev.packageManagers.join(' '));
    assert.ok(b.report.variants.dev.shells.length > 0);
    const t = await runImage(join(b.out, 'oci'), 'latest-test', { readOnly: false, timeoutMs: TEST_IMAGE_TIME_LIMIT });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.match(t.stdout + t.stderr, /Ran 2 tests[\s\S]*OK/);
  });
});

describe('python-pip from a package index named by the host pip configuration', { timeout: 40 * 60_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'airlock-pip-index-'));
  const dir = join(work, 'app');
  const conf = join(work, 'pip.conf');
  const requests: string[] = [];
  let server: Server;
  let port = 0;
  let b: Awaited<ReturnType<typeof buildAndUnpack>>;
  before(async () => {
    // An sdist of tinylib served as a PEP 503 simple index on loopback (the sandbox shares the host's network).
    cpSync(join(repoRoot, 'examples/python-pip/vendor/tinylib'), join(work, 'tinylib-1.0.0'), { recursive: true });
    const tar = spawnSync('tar', ['--sort=name', '--owner=0', '--group=0', '-czf', join(work, 'tinylib-1.0.0.tar.gz'), '-C', work, 'tinylib-1.0.0']);
    assert.equal(tar.status, 0, String(tar.stderr));
    const sdist = readFileSync(join(work, 'tinylib-1.0.0.tar.gz'));
    const sha = createHash('sha256').update(sdist).digest('hex');
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/simple/tinylib/') res.setHeader('Content-Type', 'text/html').end(`<html><body><a href="/files/tinylib-1.0.0.tar.gz#sha256=${sha}">tinylib-1.0.0.tar.gz</a></body></html>`);
      else if (req.url === '/files/tinylib-1.0.0.tar.gz') res.end(sdist);
      else { res.statusCode = 404; res.end(); }
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    port = (server.address() as { port: number }).port;
    writeFileSync(conf, `[global]\nindex-url = http://127.0.0.1:${port}/simple/\n`);

    // The example without vendor/: requirements name tinylib by version; build.test first proves the config is
    // neither visible nor named outside the fetch step, then runs the default tests.
    cpSync(join(repoRoot, 'examples/python-pip'), dir, { recursive: true, filter: (p) => !p.includes('/vendor') && !p.includes('airlock-out') && !p.endsWith('airlock.lock.json') });
    writeFileSync(join(dir, 'requirements.txt'), 'tinylib==1.0.0\n');
    const probe = `test ! -e ${conf} && test -z "\${PIP_CONFIG_FILE:-}" && echo "no pip config outside the fetch step"`;
    const tests = pythonPack.defaultSteps(readSourceInfo(dir)).test;
    writeFileSync(join(dir, 'airlock.yaml'), `name: python-pip\nbase_language: python\nversion: "3.11"\nbuild:\n  test: ${JSON.stringify([probe, ...tests])}\n`);
    b = await buildAndUnpack(dir, { PIP_CONFIG_FILE: conf, PIP_INDEX_URL: '' });
  });
  after(async () => {
    await new Promise((ok) => server?.close(ok));
    for (const d of [work, b?.out, b?.bundle]) if (d) rmSync(d, { recursive: true, force: true });
  });

  test('the fetch step uses the configured index; build steps never see the config; prod runs tinylib', async () => {
    assert.equal(b.r.code, 0, b.r.stderr.slice(-3000));
    assert.match(b.r.stderr, new RegExp(`==> build\\.fetch\\[0\\]: python3 -m pip install [^\\n]* -r requirements\\.txt\\n[\\s\\S]*Looking in indexes: http://127\\.0\\.0\\.1:${port}/simple/[\\s\\S]*Successfully installed tinylib-1\\.0\\.0`));
    assert.doesNotMatch(b.r.stderr.split('==> build.fetch[0]')[1]!.split('\n')[0]!, /--no-index/, 'no vendored folder: the index is used');
    assert.ok(requests.includes('/simple/tinylib/') && requests.includes('/files/tinylib-1.0.0.tar.gz'), requests.join(' '));
    assert.match(b.r.stderr, /no pip config outside the fetch step/);
    assert.match(b.r.stderr, /Ran 2 tests[\s\S]*OK/);
    const plain = await runImage(join(b.out, 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(JSON.parse(plain.stdout).from, `/${SITE}/tinylib`);
    assert.equal(readFileSync(join(b.rootfs, SITE, 'tinylib/__pycache__/__init__.cpython-311.pyc')).readUInt32LE(4), 3);
    assert.ok(!existsSync(join(b.rootfs, SITE, 'tinylib-1.0.0.dist-info/direct_url.json')), 'installed from the index, not a local path');
  });
});

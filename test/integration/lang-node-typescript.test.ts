// End to end, issue #19: the usual TypeScript + Express service (tsc into dist/, express, typescript and @types as
// devDependencies; test/fixtures/lang/node-ts-express) builds with no config beyond name, base_language and version.
// prod's /app holds dist/, package.json and the production node_modules, pruned; no TypeScript, tsconfig or lock file;
// prod passes its gates and answers HTTP in runc. The prod size is printed for the bench table. An npm workspace
// project (test/fixtures/lang/node-workspace) builds the app build.workspace names, with the workspace it uses; without
// build.workspace it is a usage error before any package is downloaded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyFixture, runCli, type CliResult } from '../helpers/cli.js';
import { runImage } from '../helpers/oci-runtime.js';
import { validateLayout } from '../validate.js';

/** A free TCP port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** Every path under `dir`, relative, that `keep` selects. */
function walk(dir: string, keep: (rel: string) => boolean, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    return [...(keep(p) ? [p] : []), ...(e.isDirectory() ? walk(dir, keep, p) : [])];
  });
}

describe('airlock build: a TypeScript + Express service with zero config', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-node-ts-out-'));
  const bundle = mkdtempSync(join(tmpdir(), 'airlock-node-ts-prod-'));
  const rootfs = join(bundle, 'b', 'rootfs');
  let r: CliResult;
  let report: any;
  before(async () => {
    dir = await copyFixture('node-ts-express');
    assert.equal(readFileSync(join(dir, 'airlock.yaml'), 'utf8'), 'name: ts-express-app\nbase_language: node\nversion: "18"\n');
    r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--no-cache']);
    if (r.code === 0) {
      report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-prod`, join(bundle, 'b')]);
    }
  });
  after(() => { for (const d of [dir, out, bundle]) rmSync(d, { recursive: true, force: true }); });

  test('builds (tsc in the sandbox) and prod passes its gates', async () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /build\.steps\[0\]: npm run build/);
    await validateLayout(join(out, 'oci'), 'latest-prod');
    const gates = report.variants.prod.gates;
    assert.equal(gates.passed, true, JSON.stringify(gates.findings));
    const prod = report.variants.prod;
    console.log(`ts-express-app prod: ${prod.compressedSize} bytes compressed, ${prod.uncompressedSize} uncompressed, `
      + `${prod.files} files; pruned ${report.pruned?.files} files, ${report.pruned?.bytes} bytes`);
  });

  test('prod /app: dist/, package.json and production node_modules; no TypeScript, tsconfig, lock or devDependency', () => {
    const app = join(rootfs, 'app');
    for (const p of ['dist/index.js', 'dist/greeting.js', 'package.json', 'node_modules/express/package.json']) {
      assert.ok(existsSync(join(app, p)), `${p} is in prod`);
    }
    assert.deepEqual(readdirSync(app).sort(), ['dist', 'node_modules', 'package.json']);
    for (const p of ['src', 'tsconfig.json', 'package-lock.json', 'node_modules/.package-lock.json', 'node_modules/typescript',
      'node_modules/@types']) {
      assert.ok(!existsSync(join(app, p)), `${p} is not in prod`);
    }
    const leftovers = walk(app, (p) => /(\.ts(?<!\.d\.ts)|(^|\/)tsconfig[^/]*\.json|(^|\/)Makefile)$/.test(p));
    assert.deepEqual(leftovers, [], 'the dependencies are pruned of TypeScript sources, tsconfig files and Makefiles');
    assert.ok(report.pruned.bytes > 0 && report.pruned.files > 0, JSON.stringify(report.pruned));
    assert.match(r.stdout + r.stderr, /dependencies pruned of \d+ files no runtime needs/);
  });

  test('prod runs read-only as 65532 with node dist/index.js and answers HTTP on loopback', async () => {
    const cfg = JSON.parse(readFileSync(join(bundle, 'b', 'config.json'), 'utf8'));
    assert.deepEqual(cfg.process.args, ['/usr/bin/node', '/app/dist/index.js']);
    const port = await freePort();
    let health = '';
    let hello = '';
    await runImage(join(out, 'oci'), 'latest-prod', {
      readOnly: true, hostNetwork: true, env: [`PORT=${port}`],
      whenReady: {
        marker: /ts-express-app listening on/,
        run: async () => {
          health = await (await fetch(`http://127.0.0.1:${port}/health`)).text();
          hello = await (await fetch(`http://127.0.0.1:${port}/hello/airlock`)).text();
        },
      },
    });
    assert.deepEqual(JSON.parse(health), { status: 'ok', node: '18' });
    assert.deepEqual(JSON.parse(hello), { message: 'hello, airlock' });
  });
});

describe('airlock build: an npm workspace project names its app with build.workspace', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-node-ws-out-'));
  const bundle = mkdtempSync(join(tmpdir(), 'airlock-node-ws-prod-'));
  const app = join(bundle, 'b', 'rootfs', 'app');
  before(async () => { dir = await copyFixture('node-workspace'); });
  after(() => { for (const d of [dir, out, bundle]) rmSync(d, { recursive: true, force: true }); });

  test('without build.workspace: a usage error naming the workspaces and the field, before any download', async () => {
    const yaml = join(dir, 'airlock.yaml');
    const text = readFileSync(yaml, 'utf8');
    writeFileSync(yaml, text.replace(/build:\n  workspace: .*\n/, ''));
    try {
      const r = await runCli(['build', '-c', yaml, '--out', out]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /npm workspaces \(packages\/api \(@ws\/api\), packages\/greet \(@ws\/greet\), packages\/web \(@ws\/web\)\)/);
      assert.match(r.stderr, /build\.workspace/);
      assert.doesNotMatch(r.stderr, /fetching packages|building the builder rootfs/);
    } finally { writeFileSync(yaml, text); }
  });

  test('prod: the app\'s build output, the workspace it uses and production node_modules; runs in its folder', async () => {
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
    console.log(`ws-api prod: ${report.variants.prod.compressedSize} bytes compressed, ${report.variants.prod.files} files`);
    spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-prod`, join(bundle, 'b')]);
    for (const p of ['package.json', 'packages/api/dist/index.js', 'packages/api/package.json', 'packages/greet/index.js', 'node_modules/ms']) {
      assert.ok(existsSync(join(app, p)), `${p} is in prod`);
    }
    assert.ok(lstatSync(join(app, 'node_modules/@ws/greet')).isSymbolicLink(), 'the workspace link npm made');
    for (const p of ['packages/web', 'node_modules/@ws/web', 'packages/api/src', 'packages/api/tsconfig.json', 'tsconfig.base.json',
      'package-lock.json', 'node_modules/typescript']) {
      assert.ok(!existsSync(join(app, p)), `${p} is not in prod`);
    }
    const run = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { message: 'hello from workspace', uptime: '1m', cwd: '/app/packages/api' });
  });
});

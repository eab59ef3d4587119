// End to end: examples/cpp-service (C++17, CMake, ctest) → prod with libstdc++'s closure only, run under runc.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';
import { runImage } from '../helpers/oci-runtime.js';
import http from 'node:http';
import { validateLayout } from '../validate.js';

describe('airlock build examples/cpp-service', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-cpp-out-'));
  let r: CliResult;
  let report: any;
  before(async () => {
    dir = await copyExample('cpp-service');
    // --no-cache: the test reads ctest's own output, which a cached step does not print.
    r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--no-cache']);
    if (r.code === 0) report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); rmSync(out, { recursive: true, force: true }); });

  test('builds with CMake, runs ctest in the sandbox, and hands off only the service', async () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /greeting-test: ok|100% tests passed/);
    await validateLayout(join(out, 'oci'), 'latest-prod');
    assert.deepEqual(report.artifacts.map((a: any) => a.path), ['usr/bin/cpp-service'], 'headers stay in dev');
    for (const p of ['libc6', 'libgcc-s1', 'libstdc++6']) assert.ok(report.closurePackages.includes(p), `${p} in ELF closure`);
    assert.equal(report.variants.prod.gates.passed, true);
  });

  test('prod runs read-only as 65532 and answers; it trusts the CA bundle made from ca-certificates', async () => {
    const run = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { service: 'cpp-service', path: '/', tags: ['prod', 'non-root'] });
    const bundle = mkdtempSync(join(tmpdir(), 'airlock-cpp-prod-'));
    try {
      assert.equal(spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-prod`, join(bundle, 'b')]).status, 0);
      const rootfs = join(bundle, 'b', 'rootfs');
      const ca = readFileSync(join(rootfs, 'etc/ssl/certs/ca-certificates.crt'), 'utf8');
      assert.ok((ca.match(/BEGIN CERTIFICATE/g) ?? []).length > 100, 'a real CA bundle');
      assert.ok(!existsSync(join(rootfs, 'usr/include')), 'no headers in prod');
      assert.ok(!existsSync(join(rootfs, 'usr/bin/cmake')) && !existsSync(join(rootfs, 'usr/bin/g++')));
      const cfg = JSON.parse(readFileSync(join(bundle, 'b', 'config.json'), 'utf8'));
      assert.equal(cfg.process.user.uid, 65532);
    } finally { rmSync(bundle, { recursive: true, force: true }); }
  });

  test('prod serves HTTP under runc (read-only root, 65532): the test asks it over loopback', async () => {
    const port = 20000 + (process.pid % 20000);
    const answers: string[] = [];
    const ask = (path: string) => new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
        let body = '';
        res.on('data', (c) => { body += String(c); });
        res.on('end', () => resolve(`${res.statusCode} ${res.headers['content-type']} ${body.trim()}`));
      });
      req.on('error', reject);
    });
    const run = await runImage(join(out, 'oci'), 'latest-prod', {
      readOnly: true, hostNetwork: true, args: ['--port', String(port)], timeoutMs: 30_000,
      whenReady: { marker: /listening on \d+/, run: async () => { answers.push(await ask('/health'), await ask('/v1/greet')); } },
    });
    assert.match(run.stdout, new RegExp(`cpp-service listening on ${port}`));
    assert.deepEqual(answers.map((a) => a.replace(/ \{.*$/, '')), ['200 application/json', '200 application/json']);
    assert.deepEqual(JSON.parse(answers[0]!.replace(/^200 application\/json /, '')), { service: 'cpp-service', path: '/health', tags: ['prod', 'non-root'] });
    assert.equal(JSON.parse(answers[1]!.replace(/^200 application\/json /, '')).path, '/v1/greet');
  });

  test('dev has the toolchain, the headers and the source', () => {
    assert.ok(report.variants.dev.compilers.some((p: string) => p.endsWith('/g++-12')));
    assert.ok(report.variants.dev.compilers.some((p: string) => p.endsWith('/cmake')));
    assert.ok(report.variants.dev.shells.length > 0);
  });
});

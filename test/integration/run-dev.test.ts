// airlock run and airlock dev with runc on one build of examples/hello-c: prod as its manifests say (uid 65532,
// read-only root, no capabilities, no new privileges, tmpfs /tmp), ports on 127.0.0.1 only, and a dev shell on a
// pseudo-terminal (util-linux `script`) with the working copy at /src as the invoking user.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, repoRoot, runCli, type CliResult } from '../helpers/cli.js';

const MAIN = join(repoRoot, 'src', 'cli', 'main.ts');
const TSX = import.meta.resolve('tsx');

/** `airlock ...args` on a pseudo-terminal (util-linux script), `input` typed in; output with the terminal's echoes. */
function onTerminal(args: string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const cmd = [process.execPath, '--import', TSX, MAIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** Whether something accepts TCP connections on host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 2000 }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

describe('airlock run and airlock dev (runc)', { timeout: 20 * 60_000 }, () => {
  let dir = '';
  const outs = mkdtempSync(join(tmpdir(), 'airlock-run-'));
  const out = join(outs, 'out');
  let build: CliResult;

  before(async () => {
    dir = await copyExample('hello-c');
    build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(outs, { recursive: true, force: true });
  });

  test("prod runs as 65532 with its arguments; the exit code is the container's", async () => {
    assert.equal(build.code, 0, build.stderr.slice(-3000));
    const r = await runCli(['run', 'prod', '--out', out, '--', 'tester']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'Hello, tester, from airlock! (uid 65532)');
    const byRef = await runCli(['run', `oci:${join(out, 'oci')}:latest`]);
    assert.equal(byRef.stdout.trim(), 'Hello, world, from airlock! (uid 65532)');
    const seven = await runCli(['run', 'dev', '--out', out, '--', 'sh', '-c', 'exit 7']);
    assert.equal(seven.code, 7, seven.stderr);
  });

  test('the unpacked root file system is a cache entry: du counts it as run, prune removes it, a run unpacks again', async () => {
    const env = { AIRLOCK_CACHE: join(outs, 'own-cache') };
    assert.equal((await runCli(['run', 'prod', '--out', out], { env })).code, 0);
    const du = JSON.parse((await runCli(['cache', 'du', '--json'], { env })).stdout);
    assert.ok(du.kinds.run > 100_000, JSON.stringify(du.kinds));
    // Last used an hour ago (prune keeps whatever was used in the seconds before it began, as in use).
    const hourAgo = new Date(Date.now() - 3600_000);
    for (const name of readdirSync(join(env.AIRLOCK_CACHE, 'run'))) utimesSync(join(env.AIRLOCK_CACHE, 'run', name), hourAgo, hourAgo);
    const prune = await runCli(['cache', 'prune', '--max-size', '1', '--json'], { env });
    assert.equal(prune.code, 0, prune.stderr);
    assert.deepEqual(JSON.parse(prune.stdout).removed.map((e: { kind: string }) => e.kind), ['run']);
    assert.deepEqual(readdirSync(join(env.AIRLOCK_CACHE, 'run')), []);
    const again = await runCli(['run', 'prod', '--out', out], { env });
    assert.equal(again.stdout.trim(), 'Hello, world, from airlock! (uid 65532)');
  });

  test("read-only root, tmpfs /tmp, no capabilities, no new privileges, the image's user", async () => {
    const probe =
      'id -u; touch /probe 2>&1 || true; touch /tmp/probe && echo tmp-writable; '
      + 'grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status; grep " /tmp " /proc/mounts';
    const r = await runCli(['run', 'dev', '--out', out, '--', 'sh', '-c', probe]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], '1000');
    assert.match(r.stdout, /\/probe': Read-only file system/);
    assert.match(r.stdout, /tmp-writable/);
    assert.match(r.stdout, /CapEff:\s+0{16}\nCapBnd:\s+0{16}\nNoNewPrivs:\s+1/);
    assert.match(r.stdout, /^tmpfs \/tmp tmpfs rw,nosuid,nodev/m);
  });

  test('a published port answers on 127.0.0.1 and on no other address of the host', async () => {
    const port = 18000 + (process.pid % 1000);
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'run', 'serve.pl'), join(dir, 'serve.pl'));
    const server = spawn(
      process.execPath,
      [
        '--import',
        TSX,
        MAIN,
        'dev',
        '-c',
        join(dir, 'airlock.yaml'),
        '--out',
        out,
        '-p',
        `${port}:8000`,
        '--',
        'perl',
        '/src/serve.pl',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    server.stderr.on('data', (d) => (log += d));
    server.stdout.on('data', (d) => (log += d));
    const closed = new Promise((r) => server.once('close', r));
    try {
      let body = '';
      for (let i = 0; i < 100 && !body && server.exitCode === null; i++) {
        await new Promise((r) => setTimeout(r, 300));
        if (log.includes('serving on 8000'))
          body = await fetch(`http://127.0.0.1:${port}/`).then(
            (res) => res.text(),
            () => '',
          );
      }
      assert.equal(body, 'hello from the container\n', log);
      const other = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
      if (other) assert.equal(await accepts(other, port), false, `nothing listens on ${other}:${port}`);
    } finally {
      server.kill('SIGINT');
      await closed;
    }
  });

  test('dev: a terminal shell, the working copy at /src as the invoking user, changes seen outside', async () => {
    // The working copy is the invoking user's, as it is when they run sudo airlock dev.
    chownSync(dir, 4321, 4321);
    const script = 'tty; id -u; echo made-inside > /src/made-inside.txt; pwd; exit 5\n';
    const r = await onTerminal(['dev', '-c', join(dir, 'airlock.yaml'), '--out', out], script, {
      SUDO_UID: '4321',
      SUDO_GID: '4321',
    });
    assert.equal(r.code, 5, r.stdout + r.stderr);
    assert.match(r.stdout, /[\r\n]\/dev\/pts\/\d+\r?\n4321\r?\n/);
    assert.match(r.stdout, /\n\/src\r?\n/);
    const made = join(dir, 'made-inside.txt');
    assert.equal(readFileSync(made, 'utf8'), 'made-inside\n');
    assert.equal(statSync(made).uid, 4321);
  });

  test('bad input: unknown image, missing runtime, no build for dev', async () => {
    const unknown = await runCli(['run', 'nope:1', '--out', out]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown-image[\s\S]*hello-c:latest-prod/);
    const noRunc = await runCli(['run', 'prod', '--out', out], { env: { PATH: join(outs, 'empty-path') } });
    assert.equal(noRunc.code, 2);
    assert.match(noRunc.stderr, /runc is not installed[\s\S]*apt-get install runc/);
    const fresh = await copyExample('hello-c');
    try {
      const noBuild = await runCli(['dev', '-c', join(fresh, 'airlock.yaml')]);
      assert.equal(noBuild.code, 2);
      assert.match(noBuild.stderr, /no-build[\s\S]*airlock build -c/);
      assert.ok(!existsSync(join(fresh, 'airlock-out')));
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

// `airlock cache prune` beside a running build: a real build of examples/hello-c in its own cache (seeded from the
// shared one with the locked .debs, the builder rootfs tarball and the apt lists, so it runs offline) while prune
// --max-size 1 runs again and again. The build keeps what it uses and ends with the prod digest of a build without
// prune; once it is over, prune removes all of it. `cache du` counts as `du -sb` does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheUsage } from '../../src/cache/du.js';
import { defaultCacheDir } from '../../src/debian/cache.js';
import { lockPath } from '../../src/debian/lock.js';
import { readLock } from '../../src/debian/lock-parse.js';
import { builderSetKey } from '../../src/debian/rootfs.js';
import { copyExample, repoRoot, runCli, type CliResult } from '../helpers/cli.js';

interface PruneJson { removed: { kind: string; path: string }[]; held: { count: number; builds: number }; after: number }

const shared = defaultCacheDir(process.env);
const prodDigest = (out: string) => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).variants.prod.digest as string;

/**
 * A cache holding only what an offline build of the lock needs from the shared cache, as copies: a hard link to the
 * shared rootfs tar would share its mtime, which every other build of the same builder set (tests running beside this
 * one) sets when it uses the tar, and prune would rightly keep an entry used a moment ago.
 */
function seedCache(cache: string, configFile: string): string {
  const lock = readLock(lockPath(configFile))!;
  mkdirSync(join(cache, 'debs', 'sha256'), { recursive: true });
  for (const p of [...lock.sets.builder, ...lock.sets.runtime]) {
    copyFileSync(join(shared, 'debs', 'sha256', p.sha256), join(cache, 'debs', 'sha256', p.sha256));
  }
  const key = builderSetKey(lock);
  mkdirSync(join(cache, 'rootfs'));
  copyFileSync(join(shared, 'rootfs', `${key}.tar`), join(cache, 'rootfs', `${key}.tar`));
  const sidecar = `${key}.tar.sha256`;
  if (existsSync(join(shared, 'rootfs', sidecar))) copyFileSync(join(shared, 'rootfs', sidecar), join(cache, 'rootfs', sidecar));
  cpSync(join(shared, 'apt'), join(cache, 'apt'), { recursive: true });
  return key;
}

/** Starts `airlock build` and resolves once its log shows `marker`; `done` is the whole run. */
function startBuild(args: string[], env: NodeJS.ProcessEnv, marker: RegExp): { started: Promise<void>; done: Promise<CliResult> } {
  const argv = ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), 'build', ...args];
  const child = spawn(process.execPath, argv, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let seen: () => void = () => {};
  const started = new Promise<void>((resolve) => { seen = resolve; });
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => { stderr += d; if (marker.test(stderr)) seen(); });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => { seen(); resolve({ code: code ?? 1, stdout, stderr }); });
  });
  return { started, done };
}

const prune = async (env: NodeJS.ProcessEnv): Promise<PruneJson> => {
  const r = await runCli(['cache', 'prune', '--max-size', '1', '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PruneJson;
};

describe('airlock cache prune while a build runs', { timeout: 60 * 60_000 }, () => {
  let dir = '';
  const work = mkdtempSync(join(tmpdir(), 'airlock-cache-prune-'));
  const cache = join(work, 'cache');
  const env = { AIRLOCK_CACHE: cache };
  let rootfsKey = '';
  let reference = '';
  const during: PruneJson[] = [];
  const afterwards: PruneJson[] = [];

  before(async () => {
    dir = await copyExample('hello-c');
    // The reference: the same source and lock built in the shared cache, no prune anywhere near.
    const ref = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(work, 'ref')]);
    assert.equal(ref.code, 0, ref.stderr.slice(-3000));
    reference = prodDigest(join(work, 'ref'));
    rootfsKey = seedCache(cache, join(dir, 'airlock.yaml'));
  });
  after(() => { rmSync(work, { recursive: true, force: true }); if (dir) rmSync(dir, { recursive: true, force: true }); });

  test('du counts every kind as du -sb does', async () => {
    const r = await runCli(['cache', 'du', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const u = JSON.parse(r.stdout) as CacheUsage;
    const du = (name: string) => Number(spawnSync('du', ['-sb', join(cache, name)], { encoding: 'utf8' }).stdout.split('\t')[0]);
    for (const kind of ['debs', 'rootfs', 'apt'] as const) assert.equal(u.kinds[kind], du(kind), kind);
    assert.equal(u.total, Number(spawnSync('du', ['-sb', cache], { encoding: 'utf8' }).stdout.split('\t')[0]));
    assert.ok(u.kinds.rootfs > 100e6 && u.kinds.debs > 10e6 && u.kinds.apt > 1e6, JSON.stringify(u.kinds));
    assert.equal(u.kinds.blobs, 0);
  });

  test('prune beside the build removes nothing the build uses; the build gives the same prod digest', async (t) => {
    // From the first build step on, the build has used its packages and rootfs: prune runs until the build ends.
    const build = startBuild(['-c', join(dir, 'airlock.yaml'), '--out', join(work, 'out'), '--offline'], env, /^==> /m);
    await build.started;
    let finished = false;
    void build.done.then(() => { finished = true; });
    // A prune that began before the build released its hold reports it (held.builds 1); later ones may remove it all.
    while (!finished) {
      const p = await prune(env);
      (p.held.builds > 0 ? during : afterwards).push(p);
    }
    const r = await build.done;
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.equal(prodDigest(join(work, 'out')), reference);
    assert.ok(during.length >= 2, `prune ran ${during.length} times beside the build`);
    assert.ok(during.every((p) => p.held.count > 0), 'each kept entries of the running build');
    const kept = during.map((p) => p.held.count);
    t.diagnostic(`${during.length} prunes beside the build, each keeping ${Math.min(...kept)} to ${Math.max(...kept)} entries`);
    const removed = during.flatMap((p) => p.removed.map((e) => e.path));
    assert.deepEqual(removed.filter((p) => /^(debs|rootfs|blobs|layers|steps|cas)\//.test(p)), []);
  });

  test('once the build is over, prune removes what it kept', async () => {
    const last = await prune(env);
    afterwards.push(last);
    assert.ok(afterwards.every((p) => p.held.builds === 0));
    const kinds = new Set(afterwards.flatMap((p) => p.removed.map((e) => e.kind)));
    for (const k of ['debs', 'rootfs', 'blobs', 'layers', 'gates']) assert.ok(kinds.has(k), `${k} removed`);
    assert.deepEqual(readdirSync(join(cache, 'debs', 'sha256')), []);
    assert.deepEqual(readdirSync(join(cache, 'blobs', 'blobs', 'sha256')), []);
    assert.deepEqual(readdirSync(join(cache, 'rootfs')).filter((n) => n.startsWith(rootfsKey)), []);
    assert.ok(existsSync(join(shared, 'rootfs', `${rootfsKey}.tar`)), 'the shared cache keeps its own tar');
    const u = JSON.parse((await runCli(['cache', 'du', '--json'], { env })).stdout) as CacheUsage;
    assert.ok(u.kinds.debs < 100_000 && u.kinds.rootfs < 100_000 && u.kinds.blobs < 100_000, JSON.stringify(u.kinds));
    assert.ok(u.kinds.apt > 1e6, 'apt lists are never pruned');
    assert.equal(last.after, u.total);
  });
});

// Full disk: the cache and the output folder on small tmpfs mounts. A build that runs out of space fails with a
// classified `disk-full` error naming the path it was writing, leaves no half-written output or cache entry
// (`cache verify` passes), and once space is freed the next build succeeds with the digests of a normal build.
// Needs root (mount); the mounts are undone in `after`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli } from '../helpers/cli.js';
import { dropSmallLayers, seedDebs, seedLayers, wholeOutputs, type Digests } from '../helpers/faults.js';
import { verifyCache } from '../../src/cache/verify.js';

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });
const root = process.getuid?.() === 0;

describe('full disk: cache and outputs on small tmpfs mounts', { timeout: 30 * 60_000, skip: !root && 'needs root (mount)' }, () => {
  let project = '';
  let base = '';
  let baseline: Digests;
  const mounts: string[] = [];
  let cache = '';
  let out = '';

  const mount = (dir: string, size: string) => {
    mkdirSync(dir, { recursive: true });
    const r = sh('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
    assert.equal(r.status, 0, r.stderr);
    mounts.push(dir);
  };
  const resize = (dir: string, size: string) => {
    const r = sh('mount', ['-o', `remount,size=${size}`, dir]);
    assert.equal(r.status, 0, r.stderr);
  };
  const build = () => runCli(['build', '-c', join(project, 'airlock.yaml'), '--out', out], { env: { AIRLOCK_CACHE: cache } });
  const leftovers = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => /\.tmp-\d+/.test(n));
  async function nothingHalfWritten(what: string) {
    assert.deepEqual((await verifyCache(cache, { dryRun: true })).bad, [], `${what}: damaged cache entries`);
    assert.deepEqual(leftovers(join(cache, 'blobs')), [], `${what}: temp files left in the cache`);
    assert.deepEqual(readdirSync(join(out, '..')), [], `${what}: a half-written output folder`);
  }

  before(async () => {
    project = await copyExample('hello-c');
    const warmOut = mkdtempSync(join(tmpdir(), 'airlock-diskfull-warm-'));
    const r = await runCli(['build', '-c', join(project, 'airlock.yaml'), '--out', warmOut]);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    baseline = (await wholeOutputs(warmOut)) as Digests;
    base = mkdtempSync(join(tmpdir(), 'airlock-diskfull-'));
    // The .debs and the builder rootfs stay on disk (linked in); blobs, layers, steps and temp files go to the tmpfs.
    const disk = join(base, 'disk');
    seedDebs(disk, join(project, 'airlock.lock.json'));
    mkdirSync(join(disk, 'rootfs'));
    mount(join(base, 'cachefs'), '400m');
    mount(join(base, 'outfs'), '800m');
    cache = join(base, 'cachefs', 'cache');
    mkdirSync(cache);
    for (const d of ['debs', 'rootfs']) symlinkSync(join(disk, d), join(cache, d));
    seedLayers(cache, join(warmOut, 'oci'));
    rmSync(warmOut, { recursive: true, force: true });
    out = join(base, 'outfs', 'out');
  });
  after(() => {
    for (const m of mounts.reverse()) {
      const r = sh('umount', [m]);
      if (r.status !== 0) sh('umount', ['-l', m]);
    }
    for (const d of [project, base]) if (d) rmSync(d, { recursive: true, force: true });
  });

  test('a full cache: a disk-full error naming the cache path; nothing half-written', async () => {
    // Only the small layers must be written again, into a cache file system with 1 MB to spare.
    dropSmallLayers(cache, 32 << 20);
    const fs = statfsSync(join(base, 'cachefs'));
    const used = (fs.blocks - fs.bfree) * fs.bsize;
    resize(join(base, 'cachefs'), String(used + (1 << 20)));
    const r = await build();
    assert.equal(r.code, 5, r.stderr.slice(-3000));
    assert.match(r.stderr, new RegExp(`error\\[disk-full\\]: no space left on the device while writing ${cache}/`));
    await nothingHalfWritten('cache full');
  });

  test('a full output file system: a disk-full error naming the output path; no output folder half-written', async () => {
    resize(join(base, 'cachefs'), '400m');
    resize(join(base, 'outfs'), '64m');
    const r = await build();
    assert.equal(r.code, 5, r.stderr.slice(-3000));
    assert.match(r.stderr, new RegExp(`error\\[disk-full\\]: no space left on the device while writing ${join(base, 'outfs')}/`));
    await nothingHalfWritten('outputs full');
  });

  test('with space freed the next build succeeds with the digests of a normal build', async () => {
    resize(join(base, 'outfs'), '800m');
    const r = await build();
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.deepEqual(await wholeOutputs(out), baseline);
    const v = await runCli(['cache', 'verify'], { env: { AIRLOCK_CACHE: cache } });
    assert.equal(v.code, 0, v.stdout + v.stderr);
  });
});

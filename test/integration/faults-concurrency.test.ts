// Concurrency: four builds of different configs share one (private, cold for rootfs and steps) cache, and two more
// builds aim at one output folder, all started at once. Each of the four ends with the digests it gets alone; of the
// two sharing a folder one builds and the other fails at once, naming the process that holds the folder's lock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli } from '../helpers/cli.js';
import { runKillable, seedDebs, seedLayers, wholeOutputs, type Digests } from '../helpers/faults.js';
import { defaultCacheDir } from '../../src/debian/cache.js';
import { builderSetKey } from '../../src/debian/rootfs.js';
import { verifyCache } from '../../src/cache/verify.js';

/** hello-c and three variations with the same builder set (so no new rootfs is needed). */
const VARIATIONS: Record<string, string> = {
  one: 'tag: one\n',
  two: 'tag: two\nruntime:\n  env:\n    GREETING: two\n',
  three: 'tag: three\nbuild:\n  steps:\n    - make -j1\n    - make install DESTDIR="$AIRLOCK_OUT" PREFIX=/usr\n',
  four: 'tag: four\n',
};

describe('concurrency: four configs share a cache, two builds share an output folder', { timeout: 30 * 60_000 }, () => {
  const temps: string[] = [];
  const projects: Record<string, string> = {};
  const alone: Record<string, Digests> = {};
  const aloneOuts: string[] = [];

  before(async () => {
    for (const [name, extra] of Object.entries(VARIATIONS)) {
      const dir = await copyExample('hello-c');
      temps.push(dir);
      const hardening = name === 'four' ? 'standard' : 'maximum';
      const yaml = readFileSync(join(dir, 'airlock.yaml'), 'utf8').replace('hardening: maximum', `hardening: ${hardening}`);
      writeFileSync(join(dir, 'airlock.yaml'), `${yaml}${extra}`);
      projects[name] = dir;
      // Alone, in the warm cache: the digests the concurrent builds must reproduce.
      const out = mkdtempSync(join(tmpdir(), 'airlock-conc-alone-'));
      temps.push(out);
      aloneOuts.push(out);
      const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
      assert.equal(r.code, 0, `${name} alone: ${r.stderr.slice(-3000)}`);
      alone[name] = (await wholeOutputs(out)) as Digests;
    }
  });
  after(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

  test('all at once: alone digests for each; the second writer of a folder fails at once naming the first', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'airlock-conc-cache-'));
    const outs = mkdtempSync(join(tmpdir(), 'airlock-conc-out-'));
    temps.push(cache, outs);
    const lockFile = join(projects.one!, 'airlock.lock.json');
    seedDebs(cache, lockFile);
    // The builder rootfs tarball from the warm cache: the builds still race to extract it and to run their steps.
    const key = builderSetKey(JSON.parse(readFileSync(lockFile, 'utf8')));
    mkdirSync(join(cache, 'rootfs'));
    for (const f of [`${key}.tar`, `${key}.tar.sha256`]) {
      const warm = join(defaultCacheDir(process.env), 'rootfs', f);
      if (existsSync(warm)) linkSync(warm, join(cache, 'rootfs', f));
    }
    // The big builder layer too (the same for all four); each build still writes its own small layers.
    for (const o of aloneOuts) seedLayers(cache, join(o, 'oci'));
    const env = { AIRLOCK_CACHE: cache };
    const build = (name: string, out: string) =>
      runKillable(['build', '-c', join(projects[name]!, 'airlock.yaml'), '--out', out], env);
    const started = Date.now();
    const timed = (name: string, out: string) =>
      build(name, out).then((r) => ({ ...r, seconds: (Date.now() - started) / 1000 }));
    const shared = join(outs, 'shared');
    const runs = await Promise.all([
      ...Object.keys(VARIATIONS).map((n) => timed(n, join(outs, n))),
      timed('one', shared), timed('two', shared),
    ]);
    const four = runs.slice(0, 4);
    for (const [i, name] of Object.keys(VARIATIONS).entries()) {
      assert.equal(four[i]!.code, 0, `${name}: ${four[i]!.stderr.slice(-3000)}`);
      const whole = await wholeOutputs(join(outs, name));
      assert.deepEqual(whole, alone[name], `${name}: digests differ from the build alone`);
    }
    const [a, b] = runs.slice(4) as [typeof runs[0], typeof runs[0]];
    const [winner, loser, winnerName] = a.code === 0 ? [a, b, 'one'] : [b, a, 'two'];
    assert.equal(winner.code, 0, winner.stderr.slice(-3000));
    assert.deepEqual(await wholeOutputs(shared), alone[winnerName], 'the shared folder holds the winner\'s outputs');
    assert.equal(loser.code, 5, loser.stderr.slice(-2000));
    const named = `the output folder ${shared} is being written by another airlock build \\(pid ${winner.pid}\\)`;
    assert.match(loser.stderr, new RegExp(`error\\[output-locked\\]: ${named}`));
    const times = `${loser.seconds} s; the winner took ${winner.seconds} s`;
    assert.ok(loser.seconds < winner.seconds / 2, `the loser failed at once (${times})`);
    assert.deepEqual((await verifyCache(cache, { dryRun: true })).bad, []);
    const built = runs.filter((r) => r.code === 0).length;
    console.log(`concurrent builds run: ${runs.length} (${built} built, 1 refused at once)`);
  });
});

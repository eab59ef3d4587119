import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cacheUsage } from './du.js';
import { holdCache, liveHolds } from './hold.js';
import { pruneCache, removeEntry } from './prune.js';
import { touchCacheEntry } from './touch.js';

const DAY = 24 * 60 * 60 * 1000;
const hex = (c: string) => c.repeat(64);

const made: string[] = [];
after(() => {
  for (const d of made) {
    spawnSync('chmod', ['-R', 'u+w', d]); // the fixture's read-only folder
    rmSync(d, { recursive: true, force: true });
  }
});

/** A cache with entries of every prunable kind, all last used 40 days ago, plus apt lists and a language cache. */
function fixture(): string {
  const cache = mkdtempSync(join(tmpdir(), 'airlock-prune-'));
  made.push(cache);
  const old = (Date.now() - 40 * DAY) / 1000;
  const file = (rel: string, body: string | Buffer = 'x') => {
    const p = join(cache, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, body);
    utimesSync(p, old, old);
  };
  file(`debs/sha256/${hex('a')}`, Buffer.alloc(1000));
  file(`debs/verified/${hex('a')}.json`, '{}');
  file(`debs/sha256/${hex('b')}`, Buffer.alloc(1000));
  file(`debs/verified/${hex('b')}.json`, '{}');
  file(`rootfs/${'1'.repeat(32)}.tar`, Buffer.alloc(5000));
  file(`rootfs/${'1'.repeat(32)}.tar.sha256`, 'sha256:x');
  file(`rootfs/${'1'.repeat(32)}/usr/bin/tool`, Buffer.alloc(3000));
  chmodSync(join(cache, 'rootfs', '1'.repeat(32), 'usr', 'bin'), 0o555);
  utimesSync(join(cache, 'rootfs', '1'.repeat(32)), old, old);
  file(`blobs/blobs/sha256/${hex('c')}`, Buffer.alloc(2000));
  file('layers/old-layer.json', JSON.stringify({ digest: `sha256:${hex('c')}` }));
  file(`blobs/blobs/sha256/${hex('d')}`, Buffer.alloc(2000));
  file('layers/used-layer.json', JSON.stringify({ digest: `sha256:${hex('d')}` }));
  file(`cas/sha256/${hex('e')}`, Buffer.alloc(700));
  file('steps/step.json', JSON.stringify({ digest: hex('9'), manifest: { files: [{ path: 'a.o', sha256: hex('e') }] } }));
  file('gates/g.json', '{"passed":true}');
  file('apt/key/state/lists/x_Packages', Buffer.alloc(4000));
  file('lang/go/cache/x', Buffer.alloc(100));
  file(`tmp/${hex('f')}.999999999.part`, Buffer.alloc(50)); // a download of a process that is gone
  file(`tmp/prune-${process.pid}-0123456789ab`, 'mine'); // a temp of a running process
  return cache;
}

const exists = (cache: string, rel: string) => existsSync(join(cache, rel));

test('a dry run lists what would go and removes nothing', async () => {
  const cache = fixture();
  const { other, ...before } = cacheUsage(cache).kinds;
  const r = await pruneCache(cache, { dryRun: true, maxSize: 1, now: Date.now() });
  assert.equal(r.removed.length, 10);
  assert.equal(r.temps.count, 1);
  const { other: otherAfter, ...after } = cacheUsage(cache).kinds;
  assert.deepEqual(after, before, 'only the lock folder (holds/, in "other") was made');
});

test('prune keeps what a running build used since it began; once the build is over, it goes', async () => {
  const cache = fixture();
  const hold = await holdCache(cache);
  // The build uses one package (its verify-once record is touched) and one cached layer (record, then its blob).
  await touchCacheEntry(join(cache, 'debs', 'verified', `${hex('b')}.json`));
  await touchCacheEntry(join(cache, 'layers', 'used-layer.json'));
  const r = await pruneCache(cache, { dryRun: false, maxSize: 1, now: Date.now() });
  assert.deepEqual(r.removed.map((e) => e.path).sort(), [
    `blobs/blobs/sha256/${hex('c')}`, `cas/sha256/${hex('e')}`, `debs/sha256/${hex('a')}`, 'gates/g.json', 'layers/old-layer.json',
    `rootfs/${'1'.repeat(32)}`, 'steps/step.json',
  ]);
  assert.deepEqual({ count: r.held.count, builds: r.held.builds }, { count: 3, builds: 1 });
  const kept = [
    `debs/sha256/${hex('b')}`, `blobs/blobs/sha256/${hex('d')}`, 'layers/used-layer.json', 'apt/key/state/lists/x_Packages',
    'lang/go/cache/x', `tmp/prune-${process.pid}-0123456789ab`,
  ];
  for (const k of kept) assert.ok(exists(cache, k), k);
  const gone = [`debs/verified/${hex('a')}.json`, `rootfs/${'1'.repeat(32)}.tar`, `rootfs/${'1'.repeat(32)}.tar.sha256`, `tmp/${hex('f')}.999999999.part`];
  for (const g of gone) assert.ok(!exists(cache, g), g);
  assert.equal(r.fits, false);
  assert.equal(r.after, cacheUsage(cache).total);
  assert.deepEqual(readdirSync(join(cache, 'tmp')), [`prune-${process.pid}-0123456789ab`], 'no trash left behind');

  await hold.release();
  const again = await pruneCache(cache, { dryRun: false, maxSize: 1, now: Date.now() + 5000 });
  assert.deepEqual(again.removed.map((e) => e.path).sort(), [`blobs/blobs/sha256/${hex('d')}`, `debs/sha256/${hex('b')}`, 'layers/used-layer.json']);
  assert.equal(again.held.count, 0);
});

test('by age only (the default policy): entries used within keepDays stay', async () => {
  const cache = fixture();
  await touchCacheEntry(join(cache, 'gates', 'g.json'), new Date(Date.now() - 10 * DAY));
  const r = await pruneCache(cache, { dryRun: false, keepDays: 30, now: Date.now() });
  assert.equal(r.removed.length, 9);
  assert.ok(exists(cache, 'gates/g.json'));
});

test('a time more than a day ahead of the clock is no use while no build runs, and a use while one does', async () => {
  const cache = fixture();
  const future = (Date.now() + 5 * 365 * DAY) / 1000;
  utimesSync(join(cache, 'gates', 'g.json'), future, future);
  const hold = await holdCache(cache);
  const held = await pruneCache(cache, { dryRun: true, keepDays: 30, now: Date.now() });
  assert.ok(!held.removed.some((e) => e.path === 'gates/g.json'));
  await hold.release();
  const r = await pruneCache(cache, { dryRun: false, keepDays: 30, now: Date.now() });
  assert.ok(r.removed.some((e) => e.path === 'gates/g.json'));
  assert.ok(!exists(cache, 'gates/g.json'));
});

test('an entry used between the scan and its removal is put back', async () => {
  const cache = fixture();
  const deb = join(cache, 'debs', 'sha256', hex('a'));
  const record = join(cache, 'debs', 'verified', `${hex('a')}.json`);
  const heldFrom = Date.now() - 1000;
  const isUse = (t: number) => t >= heldFrom;
  const entry = { id: `debs/sha256/${hex('a')}`, kind: 'debs' as const, size: 1000, lastUse: 0, refs: [], paths: [deb, record] };
  await touchCacheEntry(record); // the use the scan did not see
  assert.equal(await removeEntry(cache, entry, [], isUse), false);
  assert.ok(existsSync(deb) && existsSync(record));
  // Content named by a record that was just used is put back as well.
  const blob = join(cache, 'blobs', 'blobs', 'sha256', hex('d'));
  await touchCacheEntry(join(cache, 'layers', 'used-layer.json'));
  const content = { id: 'blob', kind: 'blobs' as const, size: 2000, lastUse: 0, refs: [], content: hex('d'), paths: [blob] };
  assert.equal(await removeEntry(cache, content, [join(cache, 'layers', 'used-layer.json')], isUse), false);
  assert.ok(existsSync(blob));
  assert.equal(await removeEntry(cache, { ...content, id: 'c', paths: [join(cache, 'blobs', 'blobs', 'sha256', hex('c'))] }, [], isUse), true);
});

test('holds of processes that are gone are ignored and removed', async () => {
  const cache = fixture();
  mkdirSync(join(cache, 'holds'));
  writeFileSync(join(cache, 'holds', '999999999-00ff.json'), JSON.stringify({ pid: 999999999, start: 0 }));
  writeFileSync(join(cache, 'holds', `${process.pid}-0bad.json`), JSON.stringify({ pid: process.pid, start: 1, procStart: 'not-my-start' }));
  assert.deepEqual(await liveHolds(cache), []);
  assert.deepEqual(readdirSync(join(cache, 'holds')), []);
  const hold = await holdCache(cache);
  assert.equal((await liveHolds(cache)).length, 1);
  await hold.release();
  assert.deepEqual(await liveHolds(cache), []);
});

test('du counts as du -sb: every kind, hard links once, a linked-in folder as its link', () => {
  const cache = fixture();
  linkSync(join(cache, 'debs', 'sha256', hex('a')), join(cache, 'debs', 'a-second-name'));
  symlinkSync(join(cache, 'lang'), join(cache, 'npm'));
  const u = cacheUsage(cache);
  const du = (...paths: string[]) => {
    const out = spawnSync('du', ['-sbc', ...paths.map((p) => join(cache, p))], { encoding: 'utf8' }).stdout;
    return Number(out.trim().split('\n').pop()!.split('\t')[0]); // the "total" line counts hard links once
  };
  assert.equal(u.kinds.debs, du('debs'));
  assert.equal(u.kinds.rootfs, du('rootfs'));
  assert.equal(u.kinds['steps+cas'], du('steps', 'cas'));
  assert.equal(u.kinds.npm, du('npm'));
  assert.equal(u.total, Number(spawnSync('du', ['-sb', cache], { encoding: 'utf8' }).stdout.split('\t')[0]));
  assert.equal(u.kinds.builds, 0);
});

test('root file systems airlock run unpacked: measured as run, pruned when unused, kept while a run uses one', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'airlock-prune-run-'));
  made.push(cache);
  const old = (Date.now() - 40 * DAY) / 1000;
  for (const c of ['a', 'b']) {
    mkdirSync(join(cache, 'run', hex(c), 'rootfs', 'usr', 'bin'), { recursive: true });
    writeFileSync(join(cache, 'run', hex(c), 'rootfs', 'usr', 'bin', 'app'), Buffer.alloc(3000));
    writeFileSync(join(cache, 'run', hex(c), '.airlock-unpacked'), `sha256:${hex(c)}\n`);
    utimesSync(join(cache, 'run', hex(c)), old, old);
  }
  mkdirSync(join(cache, 'run', `${hex('c')}.tmp-999999999`, 'rootfs'), { recursive: true }); // a killed unpack
  const u = cacheUsage(cache);
  assert.equal(u.kinds.run, Number(spawnSync('du', ['-sb', join(cache, 'run')], { encoding: 'utf8' }).stdout.split('\t')[0]));
  assert.ok(u.kinds.run > 6000 && u.kinds.other === 0, JSON.stringify(u.kinds));
  const hold = await holdCache(cache);
  await touchCacheEntry(join(cache, 'run', hex('b'))); // a run of image b, still running
  const r = await pruneCache(cache, { dryRun: false, keepDays: 30, maxSize: 1, now: Date.now() });
  assert.deepEqual(r.removed.map((e) => [e.kind, e.path]), [['run', `run/${hex('a')}`]]);
  assert.equal(r.temps.count, 1, 'the killed unpack is swept');
  assert.deepEqual(readdirSync(join(cache, 'run')), [hex('b')]);
  await hold.release();
});

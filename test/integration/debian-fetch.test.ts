// Fetching into the shared cache: every .deb verified; corrupted entries never used; hash mismatch and download errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync, truncateSync, writeFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fetchLocked } from '../../src/debian/engine.js';
import { checkCached, debPath, sha256File } from '../../src/debian/cache.js';
import type { Lock } from '../../src/debian/types.js';
import { AirlockError } from '../../src/errors.js';
import { memoryLog } from '../../src/log.js';
import { cLock, cacheDir } from '../helpers/debian.js';

const isErr = (code: string, re?: RegExp) => (e: unknown) =>
  e instanceof AirlockError && e.code === code && e.exitCode === 3 && (!re || re.test(e.message));

const only = (lock: Lock, name: string, patch: Partial<Lock['sets']['builder'][number]> = {}, repoUri?: string): Lock => {
  const p = { ...lock.sets.builder.find((x) => x.name === name)!, ...patch };
  const repositories = repoUri ? lock.repositories.map((r) => ({ ...r, uri: repoUri })) : lock.repositories;
  return { ...lock, repositories, sets: { builder: [p], runtime: [] } };
};

test('fetches every locked .deb into the content-addressed cache, each verified', async () => {
  const lock = await cLock();
  const log = memoryLog();
  const t0 = Date.now();
  const debs = await fetchLocked(lock, { cache: cacheDir, log, offline: false });
  const ms = Date.now() - t0;
  const unique = new Set([...lock.sets.builder, ...lock.sets.runtime].map((p) => p.sha256));
  assert.equal(debs.size, unique.size);
  for (const p of lock.sets.builder) {
    assert.equal(debs.get(p.sha256), debPath(cacheDir, p.sha256));
    assert.equal(statSync(debs.get(p.sha256)!).size, p.size);
  }
  const sample = lock.sets.builder.find((p) => p.name === 'make')!;
  assert.equal(await sha256File(debs.get(sample.sha256)!), sample.sha256);
  assert.ok(log.lines.some((l) => l.startsWith('fetching packages')));
  console.log(`fetch+verify of ${debs.size} packages (${lock.sets.builder.reduce((a, p) => a + p.size, 0)} bytes): ${ms} ms`);
});

test('a corrupted or truncated cached .deb is never used: offline it is an error, online it is re-fetched', async () => {
  // A private cache: corrupting entries of the shared one would race with other tests hard-linking them.
  const cache = mkdtempSync(join(tmpdir(), 'airlock-corrupt-'));
  try {
    const make = only(await cLock(), 'make');
    const p = make.sets.builder[0]!;
    await fetchLocked(make, { cache, log: memoryLog(), offline: false });
    const file = debPath(cache, p.sha256);
    const good = readFileSync(file);
    assert.equal(createHash('sha256').update(good).digest('hex'), p.sha256);

    const flipped = Buffer.from(good);
    flipped[flipped.length - 100] = flipped[flipped.length - 100]! ^ 0xff;
    writeFileSync(file, flipped);
    await assert.rejects(fetchLocked(make, { cache, log: memoryLog(), offline: true }), isErr('offline-not-cached', /make .*corrupted/));
    assert.equal(existsSync(file), false, 'the corrupted entry was deleted');

    writeFileSync(file, good);
    truncateSync(file, 1000);
    const log = memoryLog();
    const debs = await fetchLocked(make, { cache, log, offline: false });
    assert.ok(log.lines.some((l) => /warning: cached make .* failed its sha256 check/.test(l)), log.lines.join('\n'));
    assert.equal(createHash('sha256').update(readFileSync(debs.get(p.sha256)!)).digest('hex'), p.sha256);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('hash mismatch: a download that does not match the lock is refused and nothing is stored', async () => {
  const lock = await cLock();
  const fake = createHash('sha256').update('airlock-not-the-real-make').digest('hex');
  const bad = only(lock, 'make', { sha256: fake });
  await assert.rejects(fetchLocked(bad, { cache: cacheDir, log: memoryLog(), offline: false }), isErr('hash-mismatch', /make .*pool\/main\/m\/make-dfsg\/make_/));
  assert.equal(existsSync(debPath(cacheDir, fake)), false);
  const leftovers = readdirSync(join(cacheDir, 'tmp')).filter((f) => f.startsWith(fake));
  assert.deepEqual(leftovers, []);
});

test('download errors name the package and URL: missing file, unreachable mirror', async () => {
  const lock = await cLock();
  const fake = createHash('sha256').update('airlock-missing').digest('hex');
  await assert.rejects(
    fetchLocked(only(lock, 'make', { sha256: fake, filename: 'pool/main/m/make-dfsg/airlock-no-such.deb' }), { cache: cacheDir, log: memoryLog(), offline: false }),
    isErr('download-failed', /make .*airlock-no-such\.deb: HTTP 404/),
  );
  await assert.rejects(
    fetchLocked(only(lock, 'make', { sha256: fake }, 'http://127.0.0.1:9/debian'), { cache: cacheDir, log: memoryLog(), offline: false }),
    isErr('mirror-unreachable', /make .*http:\/\/127\.0\.0\.1:9\/debian\/pool/),
  );
});

test('two processes fetching into one empty cache at once both succeed and leave only verified entries', async () => {
  const lock = await cLock();
  const cache = mkdtempSync(join(tmpdir(), 'airlock-concurrent-'));
  try {
    execFileSync('cp', ['-a', join(cacheDir, 'apt'), join(cache, 'apt')]);
    const script = `import('${join(process.cwd(), 'test/helpers/debian.ts')}').then((m) => m.fetchChild(${JSON.stringify(cache)}))`;
    const run = () => new Promise<{ code: number | null; out: string }>((res) => {
      const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      c.stdout.on('data', (b) => (out += b));
      c.on('close', (code) => res({ code, out }));
    });
    const results = await Promise.all([run(), run()]);
    const unique = new Set([...lock.sets.builder, ...lock.sets.runtime].map((p) => p.sha256));
    for (const r of results) {
      assert.equal(r.code, 0);
      assert.equal(Number(r.out.trim()), unique.size);
    }
    for (const p of lock.sets.builder) assert.equal(await checkCached(cache, p.sha256, p.size), 'ok', p.name);
    assert.deepEqual(readdirSync(join(cache, 'tmp')), [], 'no partial downloads left');
    assert.deepEqual(readdirSync(join(cache, 'debs', 'locks')), [], 'no lock files left');
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

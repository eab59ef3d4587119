import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fetchPackages } from './fetch.js';
import { debPath } from './cache.js';
import type { Lock, LockedPackage } from './types.js';
import { AirlockError } from '../errors.js';
import { memoryLog } from '../log.js';
import { tinyDeb } from '../../test/helpers/tiny-deb.js';

function fixture() {
  const root = mkdtempSync(join(tmpdir(), 'airlock-fetch-'));
  const repo = join(root, 'repo');
  mkdirSync(join(repo, 'pool'), { recursive: true });
  const pkgs: LockedPackage[] = ['a', 'b', 'c'].map((name) => {
    const d = tinyDeb(join(repo, 'pool'), name, { Package: name, Version: '1', Architecture: 'all' });
    return { name, version: '1', architecture: 'all', source: name, size: d.size, sha256: d.sha256, filename: `pool/${name}.deb`, repository: 0, depends: [] };
  });
  const lock: Lock = {
    lockVersion: 1, codename: 'x', osVersion: '1', architecture: 'amd64', configDigest: '', indexEpoch: 0,
    repositories: [{ uri: pathToFileURL(repo).href, suite: 's', components: ['main'], inRelease: '' }], sets: { builder: pkgs, runtime: [] },
  };
  return { cache: join(root, 'cache'), lock, pkgs };
}

test('fetches into the store by sha256 with progress; a second run uses the verified cache', async () => {
  const { cache, lock, pkgs } = fixture();
  const log = memoryLog();
  const m = await fetchPackages(lock, pkgs, { cacheDir: cache, log, offline: false, concurrency: 2 });
  assert.deepEqual([...m.values()].sort(), pkgs.map((p) => debPath(cache, p.sha256)).sort());
  assert.ok(log.lines.includes('fetching packages 3/3'));
  const offline = await fetchPackages(lock, pkgs, { cacheDir: cache, log: memoryLog(), offline: true });
  assert.equal(offline.size, 3);
});

test('a file that does not match the lock is refused and not stored; a missing file names the package', async () => {
  const { cache, lock, pkgs } = fixture();
  const wrong = { ...pkgs[0]!, sha256: 'e'.repeat(64) };
  await assert.rejects(fetchPackages(lock, [wrong], { cacheDir: cache, log: memoryLog(), offline: false }), (e) =>
    e instanceof AirlockError && e.code === 'hash-mismatch' && /^a 1 from file:.*pool\/a\.deb does not match/.test(e.message));
  assert.equal(existsSync(debPath(cache, wrong.sha256)), false);
  assert.deepEqual(readdirSync(join(cache, 'tmp')), []);
  const missing = { ...pkgs[1]!, filename: 'pool/nope.deb' };
  await assert.rejects(fetchPackages(lock, [missing], { cacheDir: cache, log: memoryLog(), offline: false }), (e) =>
    e instanceof AirlockError && e.code === 'download-failed' && /b 1 .*nope\.deb/.test(e.message));
  await assert.rejects(fetchPackages(lock, [pkgs[2]!], { cacheDir: cache, log: memoryLog(), offline: true }), (e) =>
    e instanceof AirlockError && e.code === 'offline-not-cached' && /c 1 is not in the cache/.test(e.message));
});

test('a lock entry whose fields differ from its .deb is refused (exit 3) from the network, the cache and offline', async () => {
  const { cache, lock, pkgs } = fixture();
  const a = pkgs[0]!;
  const edits: Array<[string, Partial<LockedPackage>, RegExp]> = [
    ['Version', { version: '9:9.9.9-9' }, /Version is "9:9\.9\.9-9" in the lock but "1" in the \.deb/],
    ['Package', { name: 'zz' }, /locked package zz .*Package is "zz" in the lock but "a" in the \.deb/],
    ['Architecture', { architecture: 'amd64' }, /Architecture is "amd64" in the lock but "all" in the \.deb/],
    ['Source', { source: 'other' }, /Source is "other" in the lock but "a" in the \.deb/],
    ['Source', { sourceVersion: '0.9' }, /Source is "a \(0\.9\)" in the lock but "a" in the \.deb/],
  ];
  const mismatch = (re: RegExp) => (e: unknown) => e instanceof AirlockError && e.code === 'lock-mismatch' && e.exitCode === 3 && re.test(e.message);
  // Not cached yet: the download verifies (sha256) and is stored, but the lock entry is refused.
  await assert.rejects(fetchPackages(lock, [{ ...a, version: '9:9.9.9-9' }], { cacheDir: cache, log: memoryLog(), offline: false }), mismatch(edits[0]![2]));
  assert.ok(existsSync(debPath(cache, a.sha256)), 'the package itself is sound and stays cached');
  for (const [, edit, re] of edits) {
    for (const offline of [false, true]) {
      await assert.rejects(fetchPackages(lock, [{ ...a, ...edit }], { cacheDir: cache, log: memoryLog(), offline }), mismatch(re));
    }
  }
  assert.equal((await fetchPackages(lock, [a], { cacheDir: cache, log: memoryLog(), offline: true })).size, 1, 'the true entry still works');
});

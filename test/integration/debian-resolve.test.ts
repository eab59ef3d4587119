// Resolution against the real mirror: the C builder set, runtime closure, pins, byte-identical locks, distinct errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockPackages, obtainableChecker } from '../../src/debian/engine.js';
import { serializeLock, checkLock } from '../../src/debian/lock.js';
import { parseLock } from '../../src/debian/lock-parse.js';
import { parseSources, renderSources } from '../../src/debian/sources.js';
import { sourcesKey } from '../../src/debian/apt-dir.js';
import { AirlockError } from '../../src/errors.js';
import { memoryLog } from '../../src/log.js';
import { C_BUILDER, C_RUNTIME, TEST_DIGEST, cLock, cacheDir, hostMirror } from '../helpers/debian.js';

const isErr = (code: string, re?: RegExp) => (e: unknown) =>
  e instanceof AirlockError && e.code === code && e.exitCode === 3 && (!re || re.test(e.message));

const lockWith = (builder: string[], extra: { sources?: string; keyring?: string; offline?: boolean } = {}) =>
  lockPackages(
    { builder, runtime: [], architecture: 'amd64', configDigest: TEST_DIGEST, sources: extra.sources, keyring: extra.keyring },
    { cache: cacheDir, log: memoryLog(), offline: extra.offline ?? false },
  );

test('C builder set: full closure with essentials, usrmerge and apt; runtime closure without tools', async () => {
  const lock = await cLock();
  const names = new Set(lock.sets.builder.map((p) => p.name));
  for (const n of [...C_BUILDER, 'gcc-12', 'cpp-12', 'libc6', 'dash', 'bash', 'dpkg', 'coreutils', 'base-files', 'usrmerge', 'apt', 'libssl3']) {
    assert.ok(names.has(n), `builder set has ${n}`);
  }
  assert.ok(lock.sets.builder.length > 100);
  const rt = lock.sets.runtime.map((p) => p.name);
  assert.ok(rt.includes('libc6') && rt.includes('libssl3') && rt.includes('libgcc-s1'), rt.join(' '));
  for (const tool of ['dpkg', 'bash', 'dash', 'coreutils', 'perl-base', 'debconf', 'libc-bin', 'apt', 'usrmerge']) assert.ok(!rt.includes(tool), `runtime has no ${tool}`);
  const libc = lock.sets.builder.find((p) => p.name === 'libc6')!;
  assert.equal(libc.source, 'glibc');
  assert.match(libc.sha256, /^[0-9a-f]{64}$/);
  assert.match(libc.filename, /^pool\/main\/g\/glibc\/libc6_.*_amd64\.deb$/);
  assert.deepEqual(libc.depends, ['libgcc-s1']);
  assert.ok(lock.sets.builder.every((p) => p.depends.every((d) => names.has(d))), 'depends resolve within the set');
  assert.equal(lock.codename, 'bookworm');
  assert.equal(lock.osVersion, '12');
  assert.ok(lock.indexEpoch > 1.6e9);
  assert.ok(lock.repositories.every((r) => /^[0-9a-f]{64}$/.test(r.inRelease)));
  assert.deepEqual(parseLock(serializeLock(lock)), parseLock(serializeLock(lock)));
});

test('two lock runs are byte-identical, also offline from the cached lists', async () => {
  const a = serializeLock(await cLock());
  const b = serializeLock(await cLock());
  const c = serializeLock(await cLock({ offline: true }));
  assert.equal(a, b);
  assert.equal(a, c);
});

test('name=version requests are honoured', async () => {
  const base = await cLock();
  const make = base.sets.builder.find((p) => p.name === 'make')!;
  const pinned = await lockWith([`make=${make.version}`]);
  assert.equal(pinned.sets.builder.find((p) => p.name === 'make')!.version, make.version);
});

test('errors: unknown package, impossible version, unsatisfiable — distinct, exit code 3', async () => {
  await assert.rejects(lockWith(['gcc', 'no-such-package-airlock']), isErr('unknown-package', /no-such-package-airlock/));
  await assert.rejects(lockWith(['make=0.0.0-airlock']), isErr('impossible-version', /make=0\.0\.0-airlock/));
  await assert.rejects(lockWith(['systemd-sysv', 'sysvinit-core']), isErr('unsatisfiable'));
  await assert.rejects(lockWith(['Bad Name']), isErr('bad-package-name'));
});

test('errors: bad signature and unreachable mirror; no lists are kept for them', async () => {
  const m = hostMirror();
  const wrongKey = renderSources([{ ...m, signedBy: '/usr/share/keyrings/nodesource.gpg' }]);
  await assert.rejects(lockWith(['make'], { sources: wrongKey }), isErr('bad-signature', new RegExp(m.suite)));
  const dead = 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://127.0.0.1:9/debian bookworm main\n';
  await assert.rejects(lockWith(['make'], { sources: dead }), isErr('mirror-unreachable', /127\.0\.0\.1:9/));
  await assert.rejects(lockWith(['make'], { sources: dead, offline: true }), isErr('offline-no-lists'));
  for (const text of [wrongKey, dead]) {
    const lists = join(cacheDir, 'apt', sourcesKey(parseSources(text, 'amd64'), 'amd64'), 'state', 'lists');
    assert.ok(existsSync(lists));
    assert.deepEqual(readdirSync(lists).filter((f) => f.endsWith('InRelease') || f.endsWith('Packages')), [], 'no unverified index is kept');
  }
});

test('--locked support: a fresh lock is not stale; a vanished version and a changed config are named', async () => {
  const lock = await cLock();
  const obtainable = obtainableChecker(cacheDir, 'amd64');
  assert.deepEqual(checkLock(lock, { configDigest: TEST_DIGEST, builder: C_BUILDER, runtime: C_RUNTIME }, obtainable), []);
  const gone = { ...lock, sets: { ...lock.sets, builder: lock.sets.builder.map((p) => (p.name === 'make' ? { ...p, version: '0.0-gone', sha256: '0'.repeat(64) } : p)) } };
  const d = checkLock(gone, { configDigest: 'changed', builder: C_BUILDER, runtime: C_RUNTIME }, obtainable);
  assert.deepEqual(d.map((x) => [x.what, x.package]), [['configDigest', undefined], ['package', 'make']]);
  assert.match(d[1]!.message, /make 0\.0-gone/);
});

test('caller-given one-line sources with a keyring (no Signed-By) are verified with that keyring', async () => {
  const m = hostMirror();
  const lock = await lockPackages(
    { builder: ['make'], runtime: ['libc6'], architecture: 'amd64', configDigest: TEST_DIGEST, sources: `deb ${m.uri} ${m.suite} main\n`, keyring: '/usr/share/keyrings/debian-archive-keyring.gpg' },
    { cache: cacheDir, log: memoryLog(), offline: false },
  );
  assert.deepEqual(lock.repositories.map((r) => [r.uri, r.suite, r.components]), [[m.uri, m.suite, ['main']]]);
  assert.ok(lock.sets.builder.every((p) => p.repository === 0));
  assert.deepEqual(lock.sets.runtime.map((p) => p.name), ['gcc-12-base', 'libc6', 'libgcc-s1']);
});

test('lists: reused when fresh, refreshed when older than a day or on update; the host apt state is never touched', async (t) => {
  const hostState = ['/var/lib/apt/lists', '/var/lib/dpkg/status', '/var/cache/apt'].filter((p) => existsSync(p));
  const before = hostState.map((p) => statSync(p).mtimeMs);
  // A cache of its own: test files running beside this one lock with the shared cache, and each refresh there
  // restamps the shared lists (a stamp this test moved to the future came back to now, and the lists were reused).
  const own = mkdtempSync(join(tmpdir(), 'airlock-lists-'));
  t.after(() => rmSync(own, { recursive: true, force: true }));
  const run = async (now: number, update = false) => {
    const log = memoryLog();
    await lockPackages({ builder: ['make'], runtime: [], architecture: 'amd64', configDigest: TEST_DIGEST }, { cache: own, log, offline: false, update, now });
    return log.lines.some((l) => l.startsWith('updating package indexes'));
  };
  const now = Date.now();
  assert.equal(await run(now, true), true, '--update refreshes');
  assert.equal(await run(now + 3600_000), false, 'an hour later the lists are reused');
  assert.equal(await run(now + 25 * 3600_000), true, 'after a day they are refreshed');
  assert.equal(await run(now), true, 'a stamp from the future (the previous line) is not trusted');
  assert.equal(await run(now), false);
  assert.deepEqual(hostState.map((p) => statSync(p).mtimeMs), before);
});

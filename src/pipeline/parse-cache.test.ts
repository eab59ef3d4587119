// The parse cache gives what parsing gives, parses again whenever the text, the inputs or the record change, and keeps
// neither failures nor values JSON would change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { cachedParse, loadConfigCached, readLockCached } from './parse-cache.js';
import { serializeLock } from '../debian/lock.js';
import { readLock } from '../debian/lock-parse.js';
import type { Lock } from '../debian/types.js';

async function scratch<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-parse-cache-'));
  try { return await f(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

const records = async (cache: string) => (await readdir(join(cache, 'builds')).catch(() => [] as string[])).filter((f) => f.startsWith('parsed-'));

test('a text parsed once is not parsed again; another text, other inputs or --no-cache parse again', async () => {
  await scratch(async (cache) => {
    let calls = 0;
    const parse = (text: string) => async () => { calls++; return { words: text.split(' '), n: text.length }; };
    const opts = { cacheDir: cache };
    assert.deepEqual(await cachedParse('t', 'a b', { x: 1 }, opts, parse('a b')), { words: ['a', 'b'], n: 3 });
    assert.deepEqual(await cachedParse('t', 'a b', { x: 1 }, opts, parse('a b')), { words: ['a', 'b'], n: 3 });
    assert.equal(calls, 1);
    await cachedParse('t', 'a c', { x: 1 }, opts, parse('a c'));
    await cachedParse('t', 'a b', { x: 2 }, opts, parse('a b'));
    await cachedParse('u', 'a b', { x: 1 }, opts, parse('a b'));
    assert.equal(calls, 4);
    await cachedParse('t', 'a b', { x: 1 }, { ...opts, fresh: true }, parse('a b'));
    assert.equal(calls, 5);
  });
});

test('a record whose value was changed is not used: the text is parsed again', async () => {
  await scratch(async (cache) => {
    let calls = 0;
    const parse = async () => { calls++; return { image: 'prod', user: 65532 }; };
    await cachedParse('t', 'text', {}, { cacheDir: cache }, parse);
    const [name] = await records(cache);
    const file = join(cache, 'builds', name!);
    await writeFile(file, (await readFile(file, 'utf8')).replace('65532', '0'));
    assert.deepEqual(await cachedParse('t', 'text', {}, { cacheDir: cache }, parse), { image: 'prod', user: 65532 });
    await writeFile(file, 'not json');
    assert.deepEqual(await cachedParse('t', 'text', {}, { cacheDir: cache }, parse), { image: 'prod', user: 65532 });
    assert.equal(calls, 3);
  });
});

test('failures and values JSON would not give back are not kept', async () => {
  await scratch(async (cache) => {
    await assert.rejects(cachedParse('t', 'bad', {}, { cacheDir: cache }, async () => { throw new Error('bad text'); }), /bad text/);
    assert.deepEqual(await records(cache), []);
    await cachedParse('t', 'x', {}, { cacheDir: cache }, async () => ({ a: 1, b: undefined }));
    assert.deepEqual(await records(cache), [], 'a field set to undefined would come back missing');
  });
});

test('a config loaded through the cache equals loadConfig, the first time and the next; its errors are loadConfig\'s', async () => {
  await scratch(async (dir) => {
    const cache = join(dir, 'cache');
    const file = join(dir, 'airlock.yaml');
    await writeFile(file, 'name: hello\nbase_language: c\nversion: gcc-12\nvariants:\n  prod:\n    include_source: true\n');
    const direct = await loadConfig(file, { architecture: 'amd64' });
    assert.ok(direct.warnings.length > 0, 'the sample config has a warning to carry');
    assert.deepEqual(await loadConfigCached(file, { architecture: 'amd64', cacheDir: cache }), direct);
    assert.equal((await records(cache)).length, 1);
    assert.deepEqual(await loadConfigCached(file, { architecture: 'amd64', cacheDir: cache }), direct);
    const arm = await loadConfigCached(file, { architecture: 'arm64', cacheDir: cache });
    assert.equal(arm.config.debian.architecture, 'arm64');

    await writeFile(file, 'name: hello\nbase_language: cobol\n');
    const expected = await loadConfig(file, { architecture: 'amd64' }).then(() => undefined, (e: unknown) => e);
    assert.ok(expected instanceof AirlockError);
    await assert.rejects(loadConfigCached(file, { architecture: 'amd64', cacheDir: cache }), (e: unknown) =>
      e instanceof AirlockError && e.code === expected.code && e.message === expected.message);
    await assert.rejects(loadConfigCached(join(dir, 'missing.yaml'), { architecture: 'amd64', cacheDir: cache }), (e: unknown) =>
      e instanceof AirlockError && e.code === 'config-not-found');
  });
});

test('a lock read through the cache: none when absent, the same lock each time, an invalid one refused every time', async () => {
  await scratch(async (dir) => {
    const cache = join(dir, 'cache');
    const file = join(dir, 'airlock.lock.json');
    assert.equal(await readLockCached(file, { cacheDir: cache }), undefined);
    const pkg = (name: string) => ({ name, version: '1', architecture: 'amd64', source: name, size: 10, sha256: 'a'.repeat(64), filename: `pool/${name}.deb`, repository: 0, depends: [] });
    const lock: Lock = {
      lockVersion: 1, codename: 'bookworm', osVersion: '12', architecture: 'amd64', configDigest: 'c'.repeat(64),
      repositories: [{ uri: 'http://m.example/debian', suite: 'bookworm', components: ['main'], inRelease: 'd'.repeat(64) }],
      indexEpoch: 1700000000, sets: { builder: [pkg('gcc'), pkg('libc6')], runtime: [pkg('libc6')] },
    };
    await writeFile(file, serializeLock(lock));
    const direct = readLock(file);
    assert.deepEqual(await readLockCached(file, { cacheDir: cache }), direct);
    assert.equal((await records(cache)).length, 1);
    assert.deepEqual(await readLockCached(file, { cacheDir: cache }), direct);
    await rm(join(cache, 'builds'), { recursive: true });
    await writeFile(file, '{"lockVersion": 2}\n');
    for (let i = 0; i < 2; i++) {
      await assert.rejects(readLockCached(file, { cacheDir: cache }), (e: unknown) => e instanceof AirlockError && e.code === 'bad-lock');
    }
    assert.deepEqual(await records(cache), []);
  });
});

// prod's runtime layer is kept by its exact package set; the entries read back from it are the entries it was made of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, memoryBlobStore } from '../image/blob-store.js';
import type { FileEntry } from '../image/entry.js';
import { layerFromEntries } from '../image/layer.js';
import type { LockedPackage } from '../debian/types.js';
import { digestRecord, entriesOfLayer, runtimeLayer, runtimeSetKey } from './runtime-layer.js';
import { chmod, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { fsBlobStore } from '../sinks/blob-store.js';
import { casPath } from '../cache/cas.js';
import { cachedLayer } from './layer-cache.js';

const pkg = (name: string, sha: string): LockedPackage => ({ name, version: '1.0-1', architecture: 'amd64', sha256: sha.repeat(64), size: 1 } as LockedPackage);

test('the runtime set key changes with any package, base-files, the epoch or airlock; not with the order', () => {
  const base = { packages: [pkg('libc6', 'a'), pkg('zlib1g', 'b')], baseFiles: pkg('base-files', 'c'), identity: '0.1.0+x', epoch: 1 };
  const k = runtimeSetKey(base);
  assert.equal(runtimeSetKey({ ...base, packages: [...base.packages].reverse() }), k);
  const others = [
    { ...base, packages: [pkg('libc6', 'a'), pkg('zlib1g', 'd')] }, { ...base, packages: [pkg('libc6', 'a')] },
    { ...base, baseFiles: pkg('base-files', 'e') }, { ...base, epoch: 2 }, { ...base, identity: '0.1.0+y' },
  ];
  assert.equal(new Set([k, ...others.map(runtimeSetKey)]).size, others.length + 1);
});

test('entries read back from a runtime layer equal the entries it was made of, contents included', async () => {
  const bytes = (s: string) => () => (async function* () { yield new TextEncoder().encode(s); })();
  const entries: FileEntry[] = [
    { path: 'etc', type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 },
    { path: 'etc/os-release', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 5, open: bytes('hello') },
    { path: 'lib', type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: 'usr/lib' },
    { path: 'usr', type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 },
    { path: 'usr/bin', type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 },
    { path: 'usr/bin/a', type: 'file', mode: 0o4755, uid: 0, gid: 0, size: 3, open: bytes('abc') },
    { path: 'usr/bin/b', type: 'hardlink', mode: 0o4755, uid: 0, gid: 0, size: 0, linkname: 'usr/bin/a' },
  ];
  const { layer } = await layerFromEntries(entries, { epoch: 1, store: memoryBlobStore() });
  const back = await entriesOfLayer(layer);
  const plain = (es: FileEntry[]) => es.map(({ open: _open, ...e }) => e);
  assert.deepEqual(plain(back), plain(entries));
  for (const e of back.filter((x) => x.type === 'file')) {
    const original = entries.find((x) => x.path === e.path)!;
    assert.deepEqual(await collect(e.open!()), await collect(original.open!()), e.path);
  }
});

/** A one-library runtime set whose layer and owners an earlier build recorded in `cache` (no .deb is read). */
async function recordedSet(cache: string) {
  const bytes = (s: string) => () => (async function* () { yield new TextEncoder().encode(s); })();
  const entries: FileEntry[] = [
    { path: 'usr', type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 },
    { path: 'usr/lib', type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 },
    { path: 'usr/lib/libx.so.1', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 6, open: bytes('\x7fELF..') },
  ];
  const store = fsBlobStore(join(cache, 'blobs'));
  const input = {
    packages: [pkg('libx1', 'a')], baseFiles: pkg('base-files', 'c'), identity: '0.1.0+x', epoch: 1, cacheDir: cache, store,
    readOsRelease: (): never => { throw new Error('a cached set reads no .deb'); },
  };
  const key = `runtime-${runtimeSetKey(input)}`;
  const made = await cachedLayer(cache, store, key, () => layerFromEntries(entries, { epoch: 1, store }));
  await writeFile(join(cache, 'layers', `${key}.owners.json`), JSON.stringify([['usr/lib/libx.so.1', 'libx1']]));
  return { entries, store, input, key, made };
}

test('a cached runtime layer is read back from its uncompressed tar in the content store; a damaged copy is never used', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'airlock-runtime-'));
  try {
    const { entries, store, input, key, made } = await recordedSet(cache);
    const kept = casPath(cache, made.layer.diffId.slice('sha256:'.length));
    const plain = async (es: FileEntry[]) => Promise.all(es.map(async ({ open, ...e }) => ({ ...e, ...(open ? { bytes: Buffer.from(await collect(open())).toString('latin1') } : {}) })));
    const expected = await plain(entries);

    const first = await runtimeLayer(input);
    assert.deepEqual(await plain(first.entries), expected);
    assert.deepEqual([...first.owners], [['usr/lib/libx.so.1', 'libx1']]);
    assert.equal(createHash('sha256').update(await readFile(kept)).digest('hex'), made.layer.diffId.slice('sha256:'.length), 'the uncompressed tar is kept under its diff id');

    // Read from the kept tar: the compressed blob is not read (garbage stands in its place meanwhile).
    const blob = join(cache, 'blobs', 'blobs', 'sha256', made.layer.digest.slice('sha256:'.length));
    await rename(blob, `${blob}.aside`);
    await writeFile(blob, 'not gzip');
    const second = await runtimeLayer(input).finally(() => rename(`${blob}.aside`, blob));
    assert.deepEqual(await plain(second.entries), expected);

    // A damaged copy (same size, one byte of the file's content changed) is found, removed and made again.
    await chmod(kept, 0o644);
    const damaged = await readFile(kept);
    const at = damaged.indexOf('ELF..');
    assert.ok(at > 0, 'the file content is in the kept tar');
    damaged[at] = damaged[at]! ^ 0x20;
    await writeFile(kept, damaged);
    const third = await runtimeLayer(input);
    assert.deepEqual(await plain(third.entries), expected);
    assert.equal(createHash('sha256').update(await readFile(kept)).digest('hex'), made.layer.diffId.slice('sha256:'.length), 'kept again, whole');
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});

test("a runtime set's file digests are kept beside its layer; a record that does not check is not used", async () => {
  const cache = await mkdtemp(join(tmpdir(), 'airlock-runtime-digests-'));
  try {
    const { input, key } = await recordedSet(cache);
    const file = join(cache, 'layers', `${key}.digests.json`);
    const data = new TextEncoder().encode('\x7fELF..');
    const real = ['md5', 'sha1', 'sha256'].map((a) => createHash(a).update(data).digest('hex'));

    const first = await runtimeLayer(input);
    assert.deepEqual(first.digests.of('usr/lib/libx.so.1', data), real);
    await first.digests.save();
    const saved = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(saved.value, [['usr/lib/libx.so.1', real]]);

    // The next build takes the record's digests without hashing: a record naming other (well-formed) digests shows it.
    const other = ['0'.repeat(32), '1'.repeat(40), '2'.repeat(64)];
    const value = JSON.stringify([['usr/lib/libx.so.1', other]]);
    await writeFile(file, `{"check":"${createHash('sha256').update(value).digest('hex')}","value":${value}}\n`);
    assert.deepEqual((await runtimeLayer(input)).digests.of('usr/lib/libx.so.1', data), other);
    // No record (--no-cache makes the set with none): hashed, and nothing written.
    const none = await digestRecord(undefined);
    assert.deepEqual(none.of('usr/lib/libx.so.1', data), real);
    await none.save();
    // A changed record (its own digest no longer checks) is hashed again, and written anew when saved.
    await writeFile(file, `{"check":"${'f'.repeat(64)}","value":${value}}\n`);
    const fourth = await runtimeLayer(input);
    assert.deepEqual(fourth.digests.of('usr/lib/libx.so.1', data), real);
    await fourth.digests.save();
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')).value, [['usr/lib/libx.so.1', real]]);
    // A row of another shape makes the whole record unused.
    const bad = JSON.stringify([['usr/lib/libx.so.1', ['0'.repeat(32), '1'.repeat(40)]]]);
    await writeFile(file, `{"check":"${createHash('sha256').update(bad).digest('hex')}","value":${bad}}\n`);
    assert.deepEqual((await runtimeLayer(input)).digests.of('usr/lib/libx.so.1', data), real);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});

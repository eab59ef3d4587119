// prod's runtime layer is kept by its exact package set; the entries read back from it are the entries it was made of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, memoryBlobStore } from '../image/blob-store.js';
import type { FileEntry } from '../image/entry.js';
import { layerFromEntries } from '../image/layer.js';
import type { LockedPackage } from '../debian/types.js';
import { digestRecord, entriesOfLayer, factsRecord, keepRuntimeSet, runtimeLayer, runtimeSetKey } from './runtime-layer.js';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { fsBlobStore } from '../sinks/blob-store.js';
import { casPath } from '../cache/cas.js';

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

/** A one-library runtime set an earlier build made and kept in `cache` (so no .deb is read). */
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
    readOsRelease: (): never => { throw new Error('a kept set reads no .deb'); },
    parseElf: (b: Uint8Array) => (Buffer.from(b).toString('latin1').startsWith('\x7fELF') ? { needed: ['libc.so.6'], imports: ['puts'] } : undefined),
  };
  const key = `runtime-${runtimeSetKey(input)}`;
  await keepRuntimeSet(input, entries, new Map([['usr/lib/libx.so.1', 'libx1']]));
  const record = JSON.parse(await readFile(join(cache, 'layers', `${key}.json`), 'utf8')) as { sha256: string; size: number };
  return { entries, store, input, key, record };
}

const plain = async (es: FileEntry[]) => Promise.all(es.map(async ({ open, ...e }) => ({ ...e, ...(open ? { bytes: Buffer.from(await collect(open())).toString('latin1') } : {}) })));

test('a kept runtime set is read back from its uncompressed tar in the content store; a damaged copy is never used', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'airlock-runtime-'));
  try {
    const { entries, input, record } = await recordedSet(cache);
    const kept = casPath(cache, record.sha256);
    assert.equal(createHash('sha256').update(await readFile(kept)).digest('hex'), record.sha256, 'the uncompressed tar is kept under its sha256');
    assert.equal((await readFile(kept)).length, record.size);
    const expected = await plain(entries);

    const first = await runtimeLayer(input);
    assert.deepEqual(await plain(first.entries), expected);
    assert.deepEqual([...first.owners], [['usr/lib/libx.so.1', 'libx1']]);

    // A damaged copy (same size, one byte of the file's content changed) is found and removed; the set is made again
    // from the .debs (here: the stand-in that reads none fails, so the damaged bytes were not used).
    await chmod(kept, 0o644);
    const damaged = await readFile(kept);
    const at = damaged.indexOf('ELF..');
    assert.ok(at > 0, 'the file content is in the kept tar');
    damaged[at] = damaged[at]! ^ 0x20;
    await writeFile(kept, damaged);
    await assert.rejects(runtimeLayer(input), /a kept set reads no \.deb/);
    assert.equal(existsSync(kept), false, 'the damaged copy is removed');
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});

test('a runtime set is gzipped into a layer only when asked for, once: the layer holds the set', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'airlock-runtime-layer-'));
  try {
    const { entries, input, key } = await recordedSet(cache);
    const blobs = async () => (await readdir(join(cache, 'blobs', 'blobs', 'sha256')).catch(() => [])).length;
    const set = await runtimeLayer(input);
    assert.equal(await blobs(), 0, 'reading the set makes no layer');
    const layer = await set.layer();
    assert.equal(await set.layer(), layer, 'asked twice, made once');
    assert.equal(layer.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
    assert.deepEqual(await plain(await entriesOfLayer(layer)), await plain(entries));
    assert.equal(await blobs(), 1);
    // The next build's layer is the kept one (its record names the blob): the same digest, nothing made again.
    const meta = JSON.parse(await readFile(join(cache, 'layers', `${key}-layer.json`), 'utf8')) as { digest: string };
    assert.equal(meta.digest, layer.digest);
    assert.equal((await (await runtimeLayer(input)).layer()).digest, layer.digest);
    assert.equal(await blobs(), 1);
    // --no-cache: the set is made from the .debs (the stand-in reads none: it fails), never read back.
    await assert.rejects(runtimeLayer({ ...input, fresh: true }), /a kept set reads no \.deb/);
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
    assert.deepEqual(await first.digests.of('usr/lib/libx.so.1', async () => data), real);
    await first.digests.save();
    const saved = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(saved.value, [['usr/lib/libx.so.1', real]]);

    // The next build takes the record's digests without hashing: a record naming other (well-formed) digests shows it.
    const other = ['0'.repeat(32), '1'.repeat(40), '2'.repeat(64)];
    const value = JSON.stringify([['usr/lib/libx.so.1', other]]);
    await writeFile(file, `{"check":"${createHash('sha256').update(value).digest('hex')}","value":${value}}\n`);
    assert.deepEqual(await (await runtimeLayer(input)).digests.of('usr/lib/libx.so.1', async () => data), other);
    // No record (--no-cache makes the set with none): hashed, and nothing written.
    const none = await digestRecord(undefined);
    assert.deepEqual(await none.of('usr/lib/libx.so.1', async () => data), real);
    await none.save();
    // A changed record (its own digest no longer checks) is hashed again, and written anew when saved.
    await writeFile(file, `{"check":"${'f'.repeat(64)}","value":${value}}\n`);
    const fourth = await runtimeLayer(input);
    assert.deepEqual(await fourth.digests.of('usr/lib/libx.so.1', async () => data), real);
    await fourth.digests.save();
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')).value, [['usr/lib/libx.so.1', real]]);
    // A row of another shape makes the whole record unused.
    const bad = JSON.stringify([['usr/lib/libx.so.1', ['0'.repeat(32), '1'.repeat(40)]]]);
    await writeFile(file, `{"check":"${createHash('sha256').update(bad).digest('hex')}","value":${bad}}\n`);
    assert.deepEqual(await (await runtimeLayer(input)).digests.of('usr/lib/libx.so.1', async () => data), real);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});

test('a kept set lists its entries with their offsets: files are read from the tar when asked for; an older record still reads', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'airlock-runtime-listed-'));
  try {
    const { entries, input, key, record } = await recordedSet(cache);
    const recordFile = join(cache, 'layers', `${key}.json`);
    const kept = JSON.parse(await readFile(recordFile, 'utf8')) as { entries: [{ path: string }, number][] };
    assert.deepEqual(kept.entries.map(([e]) => e.path), ['usr', 'usr/lib', 'usr/lib/libx.so.1']);
    const tar = await readFile(casPath(cache, record.sha256));
    const [, offset] = kept.entries[2]!;
    assert.equal(tar.subarray(offset, offset + 6).toString('latin1'), '\x7fELF..', 'the offset is where the content lies');
    assert.deepEqual(await plain((await runtimeLayer(input)).entries), await plain(entries));
    // A record of the earlier shape (no listing), or with a row that does not fit the tar: the whole tar is read.
    for (const rows of [undefined, [[{ path: 'usr/lib/libx.so.1', type: 'file', mode: 420, uid: 0, gid: 0, size: 6 }, record.size]]]) {
      await writeFile(recordFile, `${JSON.stringify({ sha256: record.sha256, size: record.size, ...(rows ? { entries: rows } : {}) })}\n`);
      assert.deepEqual(await plain((await runtimeLayer(input)).entries), await plain(entries));
    }
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});

test("slicing's facts of a set's files are kept: the next build reads none of their bytes; a record that does not check is not used", async () => {
  const cache = await mkdtemp(join(tmpdir(), 'airlock-runtime-facts-'));
  try {
    const { input, key } = await recordedSet(cache);
    const file = join(cache, 'layers', `${key}.facts.json`);
    const elf = async () => new TextEncoder().encode('\x7fELF..');
    const first = await runtimeLayer(input);
    const facts = await first.facts.of('usr/lib/libx.so.1', 'exec', elf);
    assert.deepEqual(facts, { elf: { needed: ['libc.so.6'], imports: ['puts'] }, named: [] });
    assert.deepEqual(await first.facts.of('usr/lib/x.py', 'python', async () => new TextEncoder().encode('import os, json\nfrom re import x\n')), { imports: ['os', 'json', 're'] });
    await first.facts.save();
    const unread = async (): Promise<Uint8Array> => { throw new Error('read'); };
    const next = await runtimeLayer(input);
    assert.deepEqual(await next.facts.of('usr/lib/libx.so.1', 'exec', unread), facts);
    // A record whose digest does not check, or with a row of another shape: worked out from the bytes again.
    const saved = JSON.parse(await readFile(file, 'utf8')) as { check: string; value: unknown };
    await writeFile(file, JSON.stringify({ ...saved, check: 'f'.repeat(64) }));
    await assert.rejects((await runtimeLayer(input)).facts.of('usr/lib/libx.so.1', 'exec', unread), /read/);
    const bad = JSON.stringify([['exec:usr/lib/libx.so.1', { elf: { needed: 'libc.so.6', imports: [] } }]]);
    await writeFile(file, `{"check":"${createHash('sha256').update(bad).digest('hex')}","value":${bad}}\n`);
    await assert.rejects((await runtimeLayer(input)).facts.of('usr/lib/libx.so.1', 'exec', unread), /read/);
    // None kept (--no-cache): worked out, nothing written.
    const none = await factsRecord(undefined, input.parseElf);
    assert.deepEqual(await none.of('usr/lib/libx.so.1', 'exec', elf), facts);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});

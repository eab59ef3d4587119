// The builder rootfs listing is walked once per key and read back after; a damaged record is walked again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '../image/blob-store.js';
import type { FileEntry } from '../image/entry.js';
import { entriesFromDir } from '../sinks/dir-source.js';
import { cachedListing } from './layer-cache.js';

const plain = (es: FileEntry[]) => es.map(({ open: _open, ...e }) => e);

test('a listing is walked once, read back with the same entries and contents, and walked again when damaged or fresh', async () => {
  const root = await mkdtemp(join(tmpdir(), 'airlock-listing-'));
  const tree = join(root, 'tree');
  const cache = join(root, 'cache');
  try {
    await mkdir(join(tree, 'usr', 'bin'), { recursive: true });
    await writeFile(join(tree, 'usr', 'bin', 'tool'), 'binary');
    await symlink('usr/bin', join(tree, 'bin'));
    let walks = 0;
    const walk = () => { walks++; return entriesFromDir(tree); };
    const first = await cachedListing(cache, 'k', tree, walk);
    const again = await cachedListing(cache, 'k', tree, walk);
    assert.equal(walks, 1);
    assert.deepEqual(plain(again), plain(first));
    const tool = again.find((e) => e.path === 'usr/bin/tool')!;
    assert.equal(Buffer.from(await collect(tool.open!())).toString(), 'binary');
    assert.equal(again.find((e) => e.path === 'bin')?.linkname, 'usr/bin');
    await cachedListing(cache, 'k', tree, walk, true);
    assert.equal(walks, 2, '--no-cache walks again');
    const file = join(cache, 'layers', 'k.list.json');
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 20));
    assert.deepEqual(plain(await cachedListing(cache, 'k', tree, walk)), plain(first));
    assert.equal(walks, 3, 'a damaged record is walked again');
  } finally { await rm(root, { recursive: true, force: true }); }
});

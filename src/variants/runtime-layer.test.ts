// prod's runtime layer is kept by its exact package set; the entries read back from it are the entries it was made of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, memoryBlobStore } from '../image/blob-store.js';
import type { FileEntry } from '../image/entry.js';
import { layerFromEntries } from '../image/layer.js';
import type { LockedPackage } from '../debian/types.js';
import { entriesOfLayer, runtimeSetKey } from './runtime-layer.js';

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

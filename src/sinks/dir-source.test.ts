// entriesFromDir: real owners and modes, hardlinks by inode (first path in byte order is the file), filter, owner, specials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entriesFromDir } from './dir-source.js';
import { collect } from '../image/blob-store.js';
import { writeTar } from '../image/tar-write.js';
import { readFileSized } from './blob-store.js';

test('walks a tree sorted bytewise with modes, owners, symlinks and hardlinks', async () => {
  const root = mkdtempSync(join(tmpdir(), 'airlock-dirsrc-'));
  try {
    mkdirSync(join(root, 'b/c'), { recursive: true });
    writeFileSync(join(root, 'b/c/z'), 'zz');
    chmodSync(join(root, 'b/c/z'), 0o4711);
    linkSync(join(root, 'b/c/z'), join(root, 'a-link'));
    symlinkSync('../b/c/z', join(root, 'b/up'));
    writeFileSync(join(root, 'B'), 'upper');
    if (process.getuid?.() === 0) chownSync(join(root, 'B'), 65532, 65532);
    const entries = await entriesFromDir(root);
    assert.deepEqual(entries.map((e) => [e.path, e.type]), [['B', 'file'], ['a-link', 'file'], ['b', 'dir'], ['b/c', 'dir'], ['b/c/z', 'hardlink'], ['b/up', 'symlink']]);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    assert.equal(byPath.get('a-link')!.mode, 0o4711);
    assert.equal(byPath.get('b/c/z')!.linkname, 'a-link');
    assert.equal(byPath.get('b/up')!.linkname, '../b/c/z');
    assert.equal(Buffer.from(await collect(byPath.get('a-link')!.open!())).toString(), 'zz');
    if (process.getuid?.() === 0) assert.equal(byPath.get('B')!.uid, 65532);

    const filtered = await entriesFromDir(root, { filter: (p) => p !== 'a-link' && p !== 'B', owner: { uid: 0, gid: 0 }, prefix: 'opt/app' });
    assert.deepEqual(filtered.map((e) => [e.path, e.type, e.uid]), [['opt/app/b', 'dir', 0], ['opt/app/b/c', 'dir', 0], ['opt/app/b/c/z', 'file', 0], ['opt/app/b/up', 'symlink', 0]],
      'with the first link filtered out, the next path becomes the file');

    execFileSync('mkfifo', [join(root, 'fifo')]);
    await assert.rejects(entriesFromDir(root), /is a socket, fifo or device/);
    assert.equal((await entriesFromDir(root, { special: 'skip' })).some((e) => e.path === 'fifo'), false);
    await assert.rejects(entriesFromDir(join(root, 'missing')), /cannot read directory/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a listed file reads back in chunks of its size; one that grew or shrank after the listing fails the tar writer', async () => {
  const root = mkdtempSync(join(tmpdir(), 'airlock-dirsrc-'));
  try {
    const big = Buffer.alloc(2.5 * 1024 * 1024, 7);
    writeFileSync(join(root, 'big'), big);
    writeFileSync(join(root, 'small'), 'twelve bytes');
    const chunks: number[] = [];
    for await (const c of readFileSized(join(root, 'big'), big.length)) chunks.push(c.length);
    assert.deepEqual(chunks, [1024 * 1024, 1024 * 1024, 512 * 1024], 'at most 1 MiB per buffer, none past the end');
    const [small] = (await entriesFromDir(root)).filter((e) => e.path === 'small');
    assert.equal(Buffer.from(await collect(small!.open!())).toString(), 'twelve bytes');
    // Past the listed size (the file grew), one probe byte and then whole chunks, not a read per byte.
    const grown: number[] = [];
    for await (const c of readFileSized(join(root, 'big'), 1024)) grown.push(c.length);
    assert.deepEqual(grown, [1024, 1, 1024 * 1024, 1024 * 1024, 512 * 1024 - 1025]);
    for (const text of ['twelve bytes and more', 'twelve']) {
      writeFileSync(join(root, 'small'), text);
      await assert.rejects(collect(writeTar([small!], 0).stream), /size-mismatch|expected 12/);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

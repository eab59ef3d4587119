import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dir, file, hardlink, image, link } from './test-kit.js';
import { readWhole } from './fs-view.js';
import { DEFAULT_FS_LIMITS } from './fs-types.js';
import { buildImageFs, imageFsFromEntries } from './fs-view.js';

const paths = (fs: { entries: readonly { path: string }[] }) => fs.entries.map((e) => e.path);

describe('ImageFs', () => {
  it('an in-memory layer and the same entries streamed give the same view; open() stays callable, not enumerable', async () => {
    const layer = [dir('etc'), file('etc/a', 'alpha', { mode: 0o600 }), link('etc/b', 'a'), { ...file('etc/c', 'c'), mtime: 7 }];
    const streamed = { name: 'streamed', async *open() { for (const entry of layer) yield { entry, ...(entry.open ? { read: entry.open } : {}) }; } };
    const [held, read] = [await imageFsFromEntries([layer], undefined), await buildImageFs([streamed], undefined)];
    for (const fs of [held, read]) {
      assert.deepEqual(fs.entries.map((e) => ({ ...e })), [
        { path: 'etc', type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 },
        { path: 'etc/a', type: 'file', mode: 0o600, uid: 0, gid: 0, size: 5, layer: 0, content: { layer: 0, ordinal: 1 } },
        { path: 'etc/b', type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: 'a', layer: 0 },
        { path: 'etc/c', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1, mtime: 7, layer: 0, content: { layer: 0, ordinal: 3 } },
      ]);
      assert.equal(Object.keys(fs.get('etc/a')!).includes('open'), false);
      assert.equal(new TextDecoder().decode(await readWhole(fs, 'etc/a', 100)), 'alpha');
    }
  });

  it('views sharing a first layer list merge it once, and each is what a fresh merge gives', async () => {
    const base = [dir('a'), file('a/x', 'x'), file('a/y', 'y'), dir('b'), file('b/z', 'z'), hardlink('a/h', 'a/x'), file('.wh.gone')];
    const uppers = [
      [file('a/.wh.x'), file('b/new', 'n')],
      [file('b/.wh..wh..opq'), hardlink('c', 'a/y')],
      [file('a/x', 'replaced')],
    ];
    const shape = async (fs: Awaited<ReturnType<typeof imageFsFromEntries>>) => ({
      entries: fs.entries.map((e) => ({ ...e })), shadowed: fs.shadowed.map((e) => ({ ...e })), layers: fs.layers, problems: fs.problems,
      x: fs.get('a/x') ? new TextDecoder().decode(await readWhole(fs, 'a/x', 100)) : undefined,
    });
    const shared = [];
    for (const up of uppers) shared.push(await imageFsFromEntries([base, up], undefined));
    // The first one merged the base; the others went on from it. Each against a merge of a copy of the list.
    for (const [i, up] of uppers.entries()) assert.deepEqual(await shape(shared[i]!), await shape(await imageFsFromEntries([[...base], up], undefined)));
    assert.deepEqual(paths(shared[0]!).filter((p) => p.startsWith('a/')), ['a/h', 'a/y'], 'the first view is not changed by those after it');
    assert.equal(new TextDecoder().decode(await readWhole(shared[2]!, 'a/x', 100)), 'replaced');
    assert.deepEqual(paths(shared[1]!).filter((p) => p.startsWith('b')), ['b']);
    // Other limits: merged afresh (a first layer over them fails as it would).
    await assert.rejects(imageFsFromEntries([base, uppers[0]!], undefined, { ...DEFAULT_FS_LIMITS, maxEntries: 3 }), /more than 3 entries/);
  });

  it('applies whiteouts and opaque directories to lower layers only', async () => {
    const fs = await image([
      [dir('a'), file('a/x', 'x'), file('a/y', 'y'), dir('b'), file('b/z', 'z'), dir('c'), dir('c/d'), file('c/d/e')],
      [file('a/.wh.x'), file('b/.wh..wh..opq'), file('b/new', 'n'), file('.wh.c')],
    ]);
    assert.deepEqual(paths(fs), ['a', 'a/y', 'b', 'b/new']);
    assert.deepEqual(fs.shadowed.map((e) => e.path).sort(), ['a/x', 'b/z', 'c', 'c/d', 'c/d/e']);
    assert.deepEqual(fs.layers.map((l) => l.whiteouts), [0, 3]);
  });

  it('a whiteout does not remove an entry added by its own layer', async () => {
    const fs = await image([[file('a', '1')], [file('a', '2'), file('.wh.a')]]);
    assert.equal(fs.get('a')?.layer, 1);
  });

  it('a file replacing a directory hides the directory contents', async () => {
    const fs = await image([[dir('d'), file('d/f')], [file('d', 'now a file')]]);
    assert.deepEqual(paths(fs), ['d']);
    assert.equal(fs.get('d')?.type, 'file');
  });

  it('hardlinks share mode, owner and content with their target, across layers', async () => {
    const fs = await image([[file('bin/x', 'payload', { mode: 0o4755 })], [hardlink('bin/y', 'bin/x')]]);
    const y = fs.get('bin/y')!;
    assert.equal(y.mode, 0o4755);
    assert.equal(y.size, 7);
    assert.equal(new TextDecoder().decode(await readWhole(fs, 'bin/y', 100)), 'payload');
    const bad = await image([[hardlink('z', 'nowhere')]]);
    assert.match(bad.problems[0]!, /hardlink "z" points to "nowhere"/);
  });

  it('resolves symlinks and detects loops', async () => {
    const fs = await image([[dir('usr'), dir('usr/bin'), file('usr/bin/app', 'A'), link('bin', 'usr/bin'), link('app', '/bin/app'), link('l1', 'l2'), link('l2', 'l1')]]);
    assert.equal(fs.resolve('/app').entry?.path, 'usr/bin/app');
    assert.equal(fs.resolve('bin/../bin/app').entry?.path, 'usr/bin/app');
    assert.equal(fs.resolve('/l1').error, 'loop');
    assert.equal(fs.resolve('/nothing').error, 'missing');
  });

  it('scan reads bounded prefixes, layer by layer, including shadowed files on request', async () => {
    const fs = await image([[file('big', 'x'.repeat(1000)), file('secret', 'KEY')], [file('.wh.secret')]]);
    const seen: [string, number, boolean][] = [];
    await fs.scan(() => 10, (e, b, t) => { seen.push([e.path, b.length, t]); });
    assert.deepEqual(seen, [['big', 10, true]]);
    seen.length = 0;
    await fs.scan(() => 10, (e, b, t) => { seen.push([e.path, b.length, t]); }, { includeShadowed: true });
    assert.deepEqual(seen, [['big', 10, true], ['secret', 3, false]]);
  });

  it('enforces entry and byte limits with clear errors', async () => {
    const many = Array.from({ length: 20 }, (_, i) => file(`f${i}`, 'abc'));
    await assert.rejects(imageFsFromEntries([many], undefined, { ...DEFAULT_FS_LIMITS, maxEntries: 10 }), /more than 10 entries/);
    await assert.rejects(imageFsFromEntries([many], undefined, { ...DEFAULT_FS_LIMITS, maxBytes: 30 }), /more than 30 bytes/);
    await assert.rejects(imageFsFromEntries([[file('../etc/passwd')]], undefined), /contains "\.\."/);
  });
});

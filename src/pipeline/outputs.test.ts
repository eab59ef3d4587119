// The output folder in the making: images added in two parts (prod and dev, then test) give the same bytes as one
// write, the shared layer is written once, and a writer that fails is reported by images() without ever being an
// unhandled rejection; discard removes the folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { memoryBlobStore } from '../image/blob-store.js';
import type { FileEntry } from '../image/entry.js';
import { newImage } from '../image/image.js';
import { layerFromEntries, type Layer } from '../image/layer.js';
import type { AssembledVariant } from '../variants/assemble.js';
import type { VariantName } from '../report/report.js';
import { countFiles, startOutputs } from './outputs.js';
import { visibleFiles } from '../why/trace.js';

const EPOCH = 1_700_000_000;
const file = (path: string, text: string): FileEntry => {
  const b = Buffer.from(text);
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: b.length, open: async function* () { yield b; } };
};

async function variants(): Promise<Record<VariantName, AssembledVariant>> {
  const store = memoryBlobStore();
  const layer = async (entries: FileEntry[]) => (await layerFromEntries(entries, { epoch: EPOCH, store })).layer;
  const builder = await layer([file('usr/bin/tool', 'the builder, shared by dev and test\n'.repeat(2000))]);
  const image = (layers: Layer[]) => newImage({ layers, epoch: EPOCH, architecture: 'amd64', os: 'linux', config: {} });
  const v = (layers: Layer[]) => ({ image: image(layers) }) as unknown as AssembledVariant;
  return {
    prod: v([await layer([file('usr/bin/app', 'prod\n')])]),
    dev: v([builder, await layer([file('src/main.c', 'int main(){}\n')])]),
    test: v([builder, await layer([file('usr/bin/app', 'prod\n'), file('src/test.sh', 'true\n')])]),
  };
}

const config = { name: 'demo', tag: '1' } as never;
const epoch = { seconds: EPOCH, from: 'SOURCE_DATE_EPOCH' as const };

async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const rel of (await readdir(dir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile())) {
    const p = join(rel.parentPath ?? rel.path, rel.name);
    out.set(p.slice(dir.length + 1), (await readFile(p)).toString('base64'));
  }
  return out;
}

test('prod and dev added first and test later give the same folder as the three at once', async () => {
  const root = await mkdtemp(join(tmpdir(), 'airlock-draft-'));
  try {
    const all = await variants();
    const one = await startOutputs(join(root, 'a', 'out'), { config, epoch }, { builderVersion: 'v' });
    one.add(all);
    await one.images();
    const two = await startOutputs(join(root, 'b', 'out'), { config, epoch }, { builderVersion: 'v' });
    two.add({ prod: all.prod, dev: all.dev });
    two.add({ test: all.test });
    await two.images();
    const [a, b] = [await tree(one.dir), await tree(two.dir)];
    assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
    for (const [k, v] of a) assert.equal(b.get(k), v, `${k} differs`);
    assert.ok(a.has('demo-test.tar') && a.has('oci/index.json'));
    const index = JSON.parse(Buffer.from(a.get('oci/index.json')!, 'base64').toString());
    assert.deepEqual(index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations['org.opencontainers.image.ref.name']), ['1', '1-dev', '1-prod', '1-test']);
    await two.discard();
    assert.ok(!existsSync(two.dir), 'discard removes the folder');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a writer that fails is the error of images(), even when nobody awaits it yet; discard still removes the folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'airlock-draft-'));
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => { unhandled.push(e); };
  process.on('unhandledRejection', onUnhandled);
  try {
    const all = await variants();
    const broken = { ...all.test.image, layers: all.test.image.layers.map((l) => ({ ...l, open: async function* () { throw new Error('disk gone'); } })) };
    const draft = await startOutputs(join(root, 'out'), { config, epoch }, { builderVersion: 'v' });
    draft.add({ prod: all.prod, dev: all.dev });
    draft.add({ test: { ...all.test, image: broken } as AssembledVariant });
    const images = draft.images();
    // The failure happens while the caller does other work.
    await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(images, /disk gone/);
    assert.deepEqual(unhandled, []);
    await draft.discard();
    assert.ok(!existsSync(draft.dir));
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await rm(root, { recursive: true, force: true });
  }
});

test("report.json's file count and inventory: the same from a variant's traced files map as from its layers", () => {
  const e = (path: string, type: FileEntry['type'] = 'file'): FileEntry => ({ path, type, mode: type === 'dir' ? 0o755 : 0o755, uid: 0, gid: 0, size: 1 });
  const layers = () => [
    [e('usr', 'dir'), e('usr/bin', 'dir'), e('usr/bin/bash'), e('usr/bin/gcc-12'), e('usr/bin/apt'), e('etc/x'), e('opt', 'dir')],
    [e('usr/bin/sh', 'symlink'), e('etc/x', 'dir'), e('usr/local/bin/npm'), e('usr/lib/gcc/x86_64-linux-gnu/12/cc1')],
  ];
  const traced = Object.fromEntries([...visibleFiles(layers())].map(([p, f]) => [p, [f.size, 'builder']]));
  const fromTrace = countFiles(layers(), traced);
  assert.deepEqual(fromTrace, countFiles(layers()));
  assert.deepEqual(fromTrace, {
    files: 6, shells: ['/usr/bin/bash', '/usr/bin/sh'], compilers: ['/usr/bin/gcc-12', '/usr/lib/gcc/x86_64-linux-gnu/12/cc1'],
    packageManagers: ['/usr/bin/apt', '/usr/local/bin/npm'],
  });
});

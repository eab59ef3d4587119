// OCI layout and docker-archive sinks against real tools: skopeo, umoci, podman; reproducibility across directories and times.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, linkSync, chmodSync, readFileSync, rmSync, utimesSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layerFromEntries } from '../../src/image/layer.js';
import { newImage, type Image } from '../../src/image/image.js';
import { fsBlobStore } from '../../src/sinks/blob-store.js';
import { entriesFromDir } from '../../src/sinks/dir-source.js';
import { listLayoutTags, readLayout, writeLayout } from '../../src/sinks/oci-layout.js';
import { readDockerArchive, writeDockerArchive } from '../../src/sinks/docker-archive.js';
import { validateImage, validateLayout } from '../validate.js';

const EPOCH = 1700000000;
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const made: string[] = [];
const tmp = (name: string) => { const d = mkdtempSync(join(tmpdir(), `airlock-${name}-`)); made.push(d); return d; };
after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

/** A small app tree with a symlink, a hardlink, a setuid file and a nonroot home. */
function makeTree(root: string, mtime: number): void {
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  mkdirSync(join(root, 'home/nonroot'), { recursive: true });
  writeFileSync(join(root, 'usr/bin/app'), '#!/bin/sh\necho hello\n');
  chmodSync(join(root, 'usr/bin/app'), 0o755);
  writeFileSync(join(root, 'usr/bin/helper'), 'x'.repeat(5000));
  chmodSync(join(root, 'usr/bin/helper'), 0o4755);
  linkSync(join(root, 'usr/bin/app'), join(root, 'usr/bin/app2'));
  symlinkSync('usr/bin', join(root, 'bin'));
  writeFileSync(join(root, 'home/nonroot/.profile'), 'PS1=$\n');
  for (const p of ['usr/bin/app', 'usr/bin/helper', 'home/nonroot/.profile']) utimesSync(join(root, p), mtime, mtime);
}

async function buildFrom(root: string, store: string): Promise<{ image: Image; special: string[] }> {
  const entries = await entriesFromDir(root, { owner: (p) => (p.startsWith('home/nonroot') ? { uid: 65532, gid: 65532 } : { uid: 0, gid: 0 }) });
  const { layer, special } = await layerFromEntries(entries, { epoch: EPOCH, store: fsBlobStore(store) });
  return { image: newImage({ layers: [layer], architecture: 'amd64', os: 'linux', epoch: EPOCH, config: { User: '65532', Entrypoint: ['/usr/bin/app'] } }), special };
}

test('same tree built in two directories at different times gives the same manifest digest', async () => {
  const a = tmp('tree-a'); const b = tmp('tree-b');
  makeTree(a, 1000); makeTree(b, 2_000_000_000);
  chmodSync(b, 0o700);
  const x = await buildFrom(a, tmp('store-a'));
  const y = await buildFrom(b, tmp('store-b'));
  assert.equal(x.image.digest, y.image.digest);
  assert.deepEqual(x.special, ['usr/bin/helper']);
});

test('layouts: several tags share blobs, re-tagging replaces one tag, skopeo and umoci read them', async () => {
  const src = tmp('tree'); makeTree(src, 0);
  const dir = tmp('layout');
  const { image } = await buildFrom(src, dir);
  const other = newImage({ layers: image.layers, architecture: 'amd64', os: 'linux', epoch: EPOCH + 1, config: { Cmd: ['x'] } });
  await writeLayout(dir, [{ tag: 'prod', image }, { tag: 'dev', image: other }, { tag: 'test', image }]);
  await validateLayout(dir);
  assert.deepEqual(await listLayoutTags(dir), ['dev', 'prod', 'test']);
  const blobsBefore = readdirSync(join(dir, 'blobs/sha256')).length;
  assert.equal(blobsBefore, 5, 'one layer, two configs, two manifests');
  await writeLayout(dir, { tag: 'dev', image });
  await validateLayout(dir);
  assert.equal((await readLayout(dir, 'dev')).digest, image.digest);
  assert.equal((await readLayout(dir, 'prod')).digest, image.digest);
  assert.equal(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).manifests.length, 3);
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')), [], 'no temp files left');

  const inspected = JSON.parse(sh('skopeo', ['inspect', `oci:${dir}:prod`]));
  assert.equal(inspected.Digest, image.digest);
  assert.deepEqual(inspected.Layers, [image.layers[0]!.digest]);
  const raw = sh('skopeo', ['inspect', '--raw', `oci:${dir}:prod`]);
  assert.equal(raw, Buffer.from(image.manifestBytes).toString());

  const bundle = join(tmp('bundle'), 'b');
  sh('umoci', ['unpack', '--image', `${dir}:prod`, bundle]);
  const rootfs = join(bundle, 'rootfs');
  assert.equal(readFileSync(join(rootfs, 'usr/bin/app'), 'utf8'), '#!/bin/sh\necho hello\n');
  const ls = sh('ls', ['-ln', join(rootfs, 'usr/bin'), join(rootfs, 'home')]);
  assert.match(ls, /-rwsr-xr-x 1 0 0 5000 .* helper/);
  assert.match(ls, /-rwxr-xr-x 2 0 0 +21 .* app\n/, 'hardlink kept (link count 2)');
  assert.match(ls, /drwxr-xr-x 2 65532 65532 .* nonroot/);
  assert.equal(sh('readlink', [join(rootfs, 'bin')]).trim(), 'usr/bin');
  const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
  assert.deepEqual(config.process.args, ['/usr/bin/app']);
  assert.equal(config.process.user.uid, 65532);
  rmSync(bundle, { recursive: true, force: true });
});

test('docker-archive: podman load accepts it, skopeo reads it, and we read back the same digest', async () => {
  const src = tmp('tree'); makeTree(src, 0);
  const { image } = await buildFrom(src, tmp('store'));
  const file = join(tmp('archive'), 'app.tar');
  await writeDockerArchive(file, image, { repoTags: ['demo/app:v1'] });
  const back = await readDockerArchive(file);
  assert.equal(back.digest, image.digest);
  await validateImage(back, file);
  const skopeo = JSON.parse(sh('skopeo', ['inspect', `docker-archive:${file}`]));
  assert.deepEqual(skopeo.Layers.length, 1);
  const root = tmp('podman');
  const p = ['--storage-driver', 'vfs', '--root', join(root, 'root'), '--runroot', join(root, 'run')];
  const loaded = sh('podman', [...p, 'load', '-i', file]);
  assert.match(loaded, /demo\/app:v1/);
  const id = sh('podman', [...p, 'images', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}', '--no-trunc']);
  assert.match(id, new RegExp(`${image.configDigest.slice(7)} localhost/demo/app:v1`), 'image ID is the config digest');
  sh('podman', [...p, 'rmi', '-a', '-f']);
  rmSync(root, { recursive: true, force: true });
});

test('concurrent writers (separate processes) into one layout keep every tag', async () => {
  const dir = tmp('concurrent');
  const script = join(tmp('script'), 'write.mts');
  writeFileSync(script, `
    import { layerFromEntries } from '${join(process.cwd(), 'src/image/layer.ts')}';
    import { newImage } from '${join(process.cwd(), 'src/image/image.ts')}';
    import { fsBlobStore } from '${join(process.cwd(), 'src/sinks/blob-store.ts')}';
    import { writeLayout } from '${join(process.cwd(), 'src/sinks/oci-layout.ts')}';
    const [dir, tag] = process.argv.slice(2);
    const b = Buffer.from(tag);
    const { layer } = await layerFromEntries([{ path: 'tag', type: 'file', mode: 0o644, uid: 0, gid: 0, size: b.length, open: async function* () { yield b; } }], { epoch: 1, store: fsBlobStore(dir) });
    for (let i = 0; i < 5; i++) await writeLayout(dir, { tag: tag + '-' + i, image: newImage({ layers: [layer], architecture: 'amd64', os: 'linux', epoch: 1, config: {} }) });
  `);
  const tags = ['a', 'b', 'c', 'd'];
  await Promise.all(tags.map((t) => new Promise<void>((res, rej) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script, dir, t], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c) => { err += String(c); });
    p.once('close', (code) => (code === 0 ? res() : rej(new Error(err))));
  })));
  assert.deepEqual(await listLayoutTags(dir), tags.flatMap((t) => [0, 1, 2, 3, 4].map((i) => `${t}-${i}`)));
  await validateLayout(dir);
  assert.deepEqual(readdirSync(dir).sort(), ['blobs', 'index.json', 'oci-layout']);
});

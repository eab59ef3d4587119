// Layers and images: pinned digests, determinism, transforms that return new images, fixed JSON key order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import type { FileEntry } from './entry.js';
import { collect, memoryBlobStore } from './blob-store.js';
import { layerFromEntries, uncompressedStream } from './layer.js';
import { appendLayers, newImage, withAnnotations, withConfig } from './image.js';
import { sha256 } from './digest.js';
import { validateImage } from '../../test/validate.js';

const EPOCH = 1700000000;
const file = (path: string, text: string, extra: Partial<FileEntry> = {}): FileEntry => {
  const b = Buffer.from(text);
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: b.length, open: async function* () { yield b; }, ...extra };
};
const entries = () => [file('etc/os-release', 'ID=debian\n'), file('app/run', '#!/bin/sh\n', { mode: 0o755 }), { path: 'home/nonroot', type: 'dir' as const, mode: 0o755, uid: 65532, gid: 65532, size: 0 }];

test('a layer has pinned digests (pako 2.1.0 gzip: same bytes on every Node version)', async () => {
  const store = memoryBlobStore();
  const { layer, entryCount } = await layerFromEntries(entries(), { epoch: EPOCH, store });
  assert.equal(entryCount, 6);
  const blob = await collect(layer.open());
  assert.deepEqual([...blob.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
  assert.equal(sha256(gunzipSync(blob)), layer.diffId);
  assert.equal(layer.uncompressedSize, gunzipSync(blob).length);
  // Golden values: a change here means layer digests changed for every user.
  assert.equal(layer.diffId, 'sha256:c61e508240d93474a10cb0184d8dd7521abcb453b69b402a28977d3a6ad1e879');
  assert.equal(layer.digest, 'sha256:6341972ffdbba3a8f80f182db8a34e54bd09feb73907014d4868fd5980245e12');
});

test('images are deterministic, validate against the OCI schemas, and transforms return new images', async () => {
  const store = memoryBlobStore();
  const { layer } = await layerFromEntries(entries(), { epoch: EPOCH, store });
  const spec = { layers: [layer], architecture: 'amd64', os: 'linux', epoch: EPOCH, config: { User: '65532:65532', Env: ['PATH=/usr/bin'], Entrypoint: ['/app/run'], Labels: { b: '2', a: '1' }, ExposedPorts: ['8080', '53/udp'] } };
  const a = newImage(spec);
  const b = newImage({ ...spec, config: { ...spec.config, Labels: { a: '1', b: '2' } } });
  assert.equal(a.digest, b.digest);
  assert.equal(Buffer.from(a.configBytes).toString(), JSON.stringify(a.config));
  assert.match(Buffer.from(a.configBytes).toString(), /^\{"created":"2023-11-14T22:13:20Z","architecture":"amd64","os":"linux","config":\{"User":"65532:65532","ExposedPorts":\{"53\/udp":\{\},"8080\/tcp":\{\}\}/);
  await validateImage(a);

  const { layer: extra } = await layerFromEntries([file('extra', 'x')], { epoch: EPOCH, store });
  const c = appendLayers(a, [extra]);
  assert.notEqual(c.digest, a.digest);
  assert.equal(a.layers.length, 1, 'the original is unchanged');
  assert.deepEqual(c.config.rootfs.diff_ids, [layer.diffId, extra.diffId]);
  assert.equal(c.config.history?.length, 2);
  await validateImage(c);

  const d = withConfig(c, { Cmd: ['--help'], User: '0' });
  assert.deepEqual(d.config.config?.Cmd, ['--help']);
  assert.equal(d.config.config?.User, '0');
  assert.deepEqual(d.config.config?.Entrypoint, ['/app/run']);
  const e = withAnnotations(d, { 'org.opencontainers.image.source': 'x' });
  assert.deepEqual(e.manifest.annotations, { 'org.opencontainers.image.source': 'x' });
  assert.equal(e.configDigest, d.configDigest);
  await validateImage(e);
  assert.equal(sha256(await collect(uncompressedStream(extra))), extra.diffId);
});

test('a bad port or epoch is a clear usage error', () => {
  assert.throws(() => newImage({ layers: [], architecture: 'amd64', os: 'linux', epoch: EPOCH, config: { ExposedPorts: ['http'] } }), /"http" is not a port/);
  assert.throws(() => newImage({ layers: [], architecture: 'amd64', os: 'linux', epoch: -1, config: {} }), /epoch -1/);
});

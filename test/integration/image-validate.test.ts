// The conformance checker itself: it must catch corrupt blobs, wrong diffIDs, wrong sizes and schema violations.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layerFromEntries, layerFromBlob } from '../../src/image/layer.js';
import { memoryBlobStore } from '../../src/image/blob-store.js';
import { imageFromConfig, newImage } from '../../src/image/image.js';
import { sha256 } from '../../src/image/digest.js';
import { writeLayout } from '../../src/sinks/oci-layout.js';
import { blobPath } from '../../src/sinks/blob-store.js';
import { validateImage, validateLayout } from '../validate.js';

const dir = mkdtempSync(join(tmpdir(), 'airlock-validate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (path: string, text: string) => { const b = Buffer.from(text); return { path, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: b.length, open: async function* () { yield b; } }; };

test('validateImage catches a wrong diffID, a wrong blob digest and a config that breaks the schema', async () => {
  const store = memoryBlobStore();
  const { layer } = await layerFromEntries([file('a', 'a')], { epoch: 0, store });
  const good = newImage({ layers: [layer], architecture: 'amd64', os: 'linux', epoch: 0, config: {} });
  await validateImage(good);

  const wrongDiff = layerFromBlob({ ...layer, diffId: sha256('not the tar'), open: () => layer.open() });
  await assert.rejects(validateImage(newImage({ layers: [wrongDiff], architecture: 'amd64', os: 'linux', epoch: 0, config: {} })), /diffID is sha256:[0-9a-f]+, config says/);

  const other = (await layerFromEntries([file('b', 'b')], { epoch: 0, store })).layer;
  const lying = layerFromBlob({ ...layer, open: () => other.open() });
  await assert.rejects(validateImage(newImage({ layers: [lying], architecture: 'amd64', os: 'linux', epoch: 0, config: {} })), /layer 0 blob is .* descriptor says/);

  const badConfig = imageFromConfig({ ...good.config, created: 'yesterday' }, [layer]);
  await assert.rejects(validateImage(badConfig), /config schema: .*date-time/);
});

test('validateLayout catches a corrupted blob and an index entry with the wrong size', async () => {
  const store = memoryBlobStore();
  const { layer } = await layerFromEntries([file('a', 'a')], { epoch: 0, store });
  const img = newImage({ layers: [layer], architecture: 'amd64', os: 'linux', epoch: 0, config: {} });
  const layout = join(dir, 'l');
  await writeLayout(layout, { tag: 'v1', image: img });
  await validateLayout(layout);
  appendFileSync(blobPath(layout, layer.digest), 'x');
  await assert.rejects(validateLayout(layout), new RegExp(`blob ${layer.digest.slice(7)} hashes to`));

  const layout2 = join(dir, 'l2');
  await writeLayout(layout2, { tag: 'v1', image: img });
  const ix = JSON.parse(readFileSync(join(layout2, 'index.json'), 'utf8'));
  ix.manifests[0].size += 1;
  ix.manifests[0].annotations = { 'org.opencontainers.image.ref.name': 'v1' };
  writeFileSync(join(layout2, 'index.json'), JSON.stringify(ix));
  await assert.rejects(validateLayout(layout2), /index entry .* missing or wrong size/);
  writeFileSync(join(layout2, 'oci-layout'), '{"imageLayoutVersion":1}');
  await assert.rejects(validateLayout(layout2), /layout schema/);
});

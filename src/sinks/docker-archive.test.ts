import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, appendFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layerFromEntries, layerFromBlob, type Layer } from '../image/layer.js';
import { newImage, type Image } from '../image/image.js';
import type { FileEntry } from '../image/entry.js';
import { bytesStream } from '../image/blob-store.js';
import { fsBlobStore } from './blob-store.js';
import { readDockerArchive, writeDockerArchive } from './docker-archive.js';
import { AirlockError } from '../errors.js';
import { randomBytes } from 'node:crypto';

const EPOCH = 1700000000;
const made: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'airlock-archive-')); made.push(d); return d; };
after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

const file = (path: string, text: string): FileEntry => {
  const b = Buffer.from(text);
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: b.length, open: () => bytesStream(b) };
};

/** A two-layer image whose blobs lie in a store on disk (one of them over 8 MB: several copy chunks). */
async function image(store: string): Promise<Image> {
  const s = fsBlobStore(store);
  // Random bytes do not compress: the blob really is bigger than the worker's 8 MB chunk.
  const big = randomBytes(9 * 1024 * 1024 + 123);
  const bigEntry: FileEntry = { path: 'data/big', type: 'file', mode: 0o644, uid: 0, gid: 0, size: big.length, open: () => bytesStream(big) };
  const a = await layerFromEntries([file('etc/a', 'a\n'), bigEntry], { epoch: EPOCH, store: s, level: 1 });
  const b = await layerFromEntries([file('usr/bin/app', '#!/bin/sh\n')], { epoch: EPOCH, store: s });
  return newImage({ layers: [a.layer, b.layer], architecture: 'amd64', os: 'linux', epoch: EPOCH, config: { Cmd: ['/usr/bin/app'] } });
}

/** The same layers without their files: writeDockerArchive streams them on this thread. */
const streamed = (img: Image): Image => ({ ...img, layers: img.layers.map((l): Layer => layerFromBlob({ ...l, file: undefined })) });

test('an archive copied on the worker thread has the bytes of the streamed one, and reads back', async () => {
  const img = await image(tmp());
  assert.ok(img.layers.every((l) => l.file !== undefined), 'layers of a store on disk name their files');
  assert.ok(streamed(img).layers.every((l) => l.file === undefined));
  const out = tmp();
  await writeDockerArchive(join(out, 'copied.tar'), img, { repoTags: ['demo/app:v1'], epoch: EPOCH });
  await writeDockerArchive(join(out, 'streamed.tar'), streamed(img), { repoTags: ['demo/app:v1'], epoch: EPOCH });
  const copied = readFileSync(join(out, 'copied.tar'));
  assert.ok(copied.length > 9 * 1024 * 1024);
  assert.ok(copied.equals(readFileSync(join(out, 'streamed.tar'))), 'byte-identical archives');
  const back = await readDockerArchive(join(out, 'copied.tar'));
  assert.equal(back.digest, img.digest);
  assert.deepEqual(readdirSync(out).sort(), ['copied.tar', 'streamed.tar'], 'no temp file left');
});

test('a blob file of the wrong size, or missing, fails the write by name and leaves nothing', async () => {
  const store = tmp();
  const img = await image(store);
  const blob = img.layers[0]!.file!;
  const out = tmp();
  chmodSync(blob, 0o644);
  truncateSync(blob, img.layers[0]!.size - 10);
  await assert.rejects(writeDockerArchive(join(out, 'a.tar'), img), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.equal(e.code, 'size-mismatch');
    assert.match(e.message, new RegExp(`blobs/sha256/${img.layers[0]!.digest.slice(7)}" gave ${img.layers[0]!.size - 10} bytes`));
    return true;
  });
  appendFileSync(blob, Buffer.alloc(20));
  await assert.rejects(writeDockerArchive(join(out, 'a.tar'), img), /gave more than bytes, expected|gave more than/);
  rmSync(blob);
  await assert.rejects(writeDockerArchive(join(out, 'a.tar'), img), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.equal(e.code, 'blob-unknown');
    assert.match(e.message, /cannot read blobs\/sha256\/[0-9a-f]{64}: ENOENT/);
    return true;
  });
  assert.deepEqual(readdirSync(out), [], 'neither the archive nor a temp file is left');
});

test('an archive whose folder cannot be made fails with the error and leaves nothing', async () => {
  const img = await image(tmp());
  const out = tmp();
  writeFileSync(join(out, 'taken'), 'a file where the folder should be\n');
  await assert.rejects(writeDockerArchive(join(out, 'taken', 'a.tar'), img), /EEXIST|ENOTDIR/);
  assert.deepEqual(readdirSync(out), ['taken']);
});

// Signing a docker-archive (signatures in FILE.cosign/), verifying it, a tampered archive, and `sign --save`.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tinyImage, type TinyImage } from '../fixtures/evidence/tiny-image.js';
import { prodPackages, sampleInput } from '../fixtures/evidence/input.js';
import { writeEvidence } from '../../src/evidence/write-evidence.js';
import { cosignTag } from '../../src/evidence/cosign.js';
import { imageFromBytes } from '../../src/image/image.js';
import { layerFromBlob } from '../../src/image/layer.js';
import { bytesStream } from '../../src/image/blob-store.js';
import { writeDockerArchive } from '../../src/sinks/docker-archive.js';
import { gunzipSync } from 'node:zlib';
import { sha256 } from '../../src/image/digest.js';

const mainTs = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'airlock-evidence-archive-'));
const archive = join(work, 'app.tar');
let img: TinyImage;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), mainTs, ...args], { cwd: work, env: { ...process.env, AIRLOCK_KEY_PASSWORD: '' }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  img = await tinyImage(prodPackages);
  const layer = layerFromBlob({ mediaType: img.layer.mediaType, digest: img.layer.digest as `sha256:${string}`, size: img.layer.size,
    diffId: sha256(gunzipSync(img.layer.bytes)), open: () => bytesStream(img.layer.bytes) });
  await writeDockerArchive(archive, imageFromBytes(img.manifest, img.config.bytes, [layer], 'tiny'), { repoTags: ['demo/app:v1'] });
  await writeEvidence(join(work, 'out'), sampleInput({ name: 'demo/app', imageDigest: img.digest }));
  assert.equal(cli('keygen').code, 0);
});

test('sign docker-archive: leaves the archive untouched, writes FILE.cosign, verify passes', () => {
  const before = readFileSync(archive);
  const s = cli('sign', `docker-archive:${archive}`, '--key', 'airlock.key', '--name', 'demo/app', '--evidence', 'out/evidence', '--save', 'saved');
  assert.equal(s.code, 0, s.err);
  assert.ok(readFileSync(archive).equals(before), 'the archive itself is not rewritten');
  const raw = execFileSync('skopeo', ['inspect', '--raw', `oci:${archive}.cosign:${cosignTag(img.digest, 'sig')}`]).toString();
  assert.match(raw, /simplesigning/);
  const v = cli('verify', `docker-archive:${archive}`, '--key', 'airlock.pub');
  assert.equal(v.code, 0, v.err);
  assert.match(v.out, /attestations: 3 DSSE/);
  // --save wrote a cosign-save layout: image + sigs + atts, told apart by `kind`
  const idx = JSON.parse(readFileSync(join(work, 'saved', 'index.json'), 'utf8'));
  assert.deepEqual(idx.manifests.map((m: any) => m.annotations.kind),
    ['dev.cosignproject.cosign/image', 'dev.cosignproject.cosign/sigs', 'dev.cosignproject.cosign/atts']);
  assert.equal(idx.manifests[0].digest, img.digest);
  const sv = cli('verify', `oci:${join(work, 'saved')}`, '--key', 'airlock.pub');
  assert.equal(sv.code, 0, sv.err);
  execFileSync('skopeo', ['inspect', '--raw', `oci:${join(work, 'saved')}:${cosignTag(img.digest, 'att')}`]);
});

test('a tampered layer inside the saved layout fails verification', () => {
  const saved = join(work, 'saved');
  const blob = join(saved, 'blobs', 'sha256', img.layer.digest.slice(7));
  const b = readFileSync(blob);
  b[b.length - 30] = b[b.length - 30]! ^ 1;
  writeFileSync(blob, b);
  const v = cli('verify', `oci:${saved}`, '--key', 'airlock.pub');
  assert.equal(v.code, 6);
  assert.match(v.err, /blob-digest-mismatch/);
});

test('a tampered manifest in a layout fails verification with its own message', () => {
  const saved = join(work, 'saved');
  const blob = join(saved, 'blobs', 'sha256', img.digest.slice(7));
  writeFileSync(blob, readFileSync(blob).toString().replace('"schemaVersion":2', '"schemaVersion": 2'));
  const v = cli('verify', `oci:${saved}`, '--key', 'airlock.pub');
  assert.equal(v.code, 6);
  assert.match(v.err, /blob-digest-mismatch.*manifest of .* is tampered/);
});

// `airlock copy` and `airlock inspect` end to end: layout → archive → registry → layout keeps the digest.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { layerFromEntries } from '../../src/image/layer.js';
import { newImage, type Image } from '../../src/image/image.js';
import { fsBlobStore } from '../../src/sinks/blob-store.js';
import { writeLayout } from '../../src/sinks/oci-layout.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { validateLayout } from '../validate.js';

const bin = resolve('bin/airlock');
let reg: TestRegistry;
let dir: string;
let image: Image;

const airlock = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

before(async () => {
  reg = await startRegistry();
  dir = mkdtempSync(join(tmpdir(), 'airlock-cli-'));
  const file = (path: string, text: string) => { const b = Buffer.from(text); return { path, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: b.length, open: async function* () { yield b; } }; };
  const store = fsBlobStore(join(dir, 'src'));
  const a = await layerFromEntries([file('etc/a', 'a'.repeat(10000)), file('etc/b', 'b')], { epoch: 1, store });
  const b = await layerFromEntries([file('app/run', 'run')], { epoch: 1, store });
  image = newImage({ layers: [a.layer, b.layer], architecture: 'amd64', os: 'linux', epoch: 1, config: { User: '65532', Cmd: ['/app/run'], ExposedPorts: ['8080'], Labels: { k: 'v' } } });
  await writeLayout(join(dir, 'src'), { tag: 'prod', image });
});
after(async () => { await reg?.stop(); rmSync(dir, { recursive: true, force: true }); });

test('copy keeps the digest through docker-archive, a registry and back into a layout', () => {
  let r = airlock('copy', 'oci:src:prod', 'docker-archive:app.tar', '--name', 'demo/app:v1');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), image.digest);
  r = airlock('copy', 'docker-archive:app.tar', `docker://${reg.host}/demo/app:v1`, '--insecure');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), image.digest);
  r = airlock('copy', `docker://${reg.host}/demo/app:v1`, `docker://${reg.host}/other/app:v2`, '--insecure');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), image.digest);
  assert.equal((r.stderr.match(/ mounted$/gm) ?? []).length, 2, `layers mounted, not uploaded: ${r.stderr}`);
  r = airlock('copy', `docker://${reg.host}/demo/app:v1`, 'oci:back:v1', '--insecure');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), image.digest);
  return validateLayout(join(dir, 'back'), 'v1');
});

test('inspect reports digest, config, layer sizes, totals and file count (text and JSON)', () => {
  const r = airlock('inspect', 'oci:src:prod', '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.digest, image.digest);
  assert.equal(s.layers.length, 2);
  assert.equal(s.layers[0].size, image.layers[0]!.size);
  assert.equal(s.layers[0].uncompressedSize, image.layers[0]!.uncompressedSize);
  assert.equal(s.totalSize, image.layers[0]!.size + image.layers[1]!.size);
  assert.equal(s.fileCount, 5, 'etc/, etc/a, etc/b, app/, app/run');
  assert.deepEqual(s.config.ExposedPorts, ['8080/tcp']);
  const t = airlock('inspect', `docker://${reg.host}/demo/app:v1`, '--insecure');
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, new RegExp(`digest: +${image.digest}`));
  assert.match(t.stdout, /user: +65532/);
  assert.match(t.stdout, /total: .* compressed, .* uncompressed, 5 entries/);
});

test('bad references and missing images fail with a usage or image error and a hint', () => {
  let r = airlock('copy', 'oci:src:nope', 'oci:x:y');
  assert.equal(r.code, 5);
  assert.match(r.stderr, /no image tagged "nope"/);
  assert.match(r.stderr, /hint: tags present: prod/);
  r = airlock('inspect', 'ftp://x');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown transport/);
  r = airlock('inspect', `docker://${reg.host}/demo/missing:v1`, '--insecure');
  assert.equal(r.code, 5);
  assert.match(r.stderr, /404 MANIFEST_UNKNOWN/);
});

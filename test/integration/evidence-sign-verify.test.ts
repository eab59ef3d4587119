// End to end: keygen, evidence files, openssl, sign into a real docker-registry, verify, and four tamper cases.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { tinyImage, type TinyImage } from '../fixtures/evidence/tiny-image.js';
import { sampleInput, prodPackages, gcc } from '../fixtures/evidence/input.js';
import { cyclonedxErrors, spdxErrors } from '../fixtures/evidence/schemas.js';
import { registryClient } from '../../src/sinks/registry.js';
import { registryImageStore } from '../../src/sinks/registry-store.js';
import { bytesStream } from '../../src/image/blob-store.js';
import { writeEvidence } from '../../src/evidence/write-evidence.js';
import { loadPrivateKey } from '../../src/evidence/keys.js';
import { signImage } from '../../src/evidence/sign-image.js';
import { attestation } from '../../src/evidence/attestation.js';
import { cosignImage, cosignPut, cosignTag, OCI_MANIFEST } from '../../src/evidence/cosign.js';
import { imagePackages } from '../../src/evidence/image-packages.js';

// run the TypeScript sources (a partial dist/ from another build must not matter)
const mainTs = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'airlock-evidence-e2e-'));
const env = { ...process.env, AIRLOCK_KEY_PASSWORD: 'correct horse' };
let reg: TestRegistry;
let imgA: TinyImage;
let imgB: TinyImage;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), mainTs, ...args], { cwd: work, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const store = (ref: string) => registryImageStore(registryClient(reg.host, { insecure: true }), 'demo/app', ref);

async function push(img: TinyImage, tag: string): Promise<void> {
  const blobs = [img.config, img.layer].map((b) => ({ ...b, open: () => bytesStream(b.bytes) }));
  await store(tag).put({ tag, manifest: { bytes: img.manifest, mediaType: OCI_MANIFEST, digest: img.digest }, blobs });
}

before(async () => {
  reg = await startRegistry();
  imgA = await tinyImage(prodPackages);
  imgB = await tinyImage([...prodPackages, gcc]);
  await push(imgA, 'v1');
  await push(imgB, 'v2');
});
after(async () => { await reg?.stop(); });

test('keygen writes an encrypted P-256 pair and refuses to overwrite', () => {
  const r = cli('keygen', '--out', 'signer');
  assert.equal(r.code, 0, r.err);
  assert.match(readFileSync(join(work, 'signer.key'), 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
  assert.match(readFileSync(join(work, 'signer.pub'), 'utf8'), /BEGIN PUBLIC KEY/);
  const again = cli('keygen', '--out', 'signer');
  assert.equal(again.code, 2);
  assert.match(again.err, /already exists/);
  assert.equal(cli('keygen', '--out', 'other').code, 0);
});

test('evidence files: schema-valid SBOMs, byte-identical on rebuild, plain signature verified by openssl', async () => {
  const key = loadPrivateKey(readFileSync(join(work, 'signer.key')), 'signer.key', 'correct horse');
  const input = sampleInput({ name: `${reg.host}/demo/app`, imageDigest: imgA.digest });
  const a = await writeEvidence(join(work, 'out'), input, { key });
  const b = await writeEvidence(join(work, 'out2'), input);
  for (const k of ['spdx', 'cyclonedx', 'provenance'] as const) assert.ok(readFileSync(a[k]).equals(readFileSync(b[k])), `${k} is reproducible`);
  assert.deepEqual(spdxErrors(JSON.parse(readFileSync(a.spdx, 'utf8'))), []);
  assert.deepEqual(cyclonedxErrors(JSON.parse(readFileSync(a.cyclonedx, 'utf8'))), []);
  writeFileSync(join(work, 'sig.der'), Buffer.from(readFileSync(a.signature!, 'utf8'), 'base64'));
  const ok = execFileSync('openssl', ['dgst', '-sha256', '-verify', join(work, 'signer.pub'), '-signature', join(work, 'sig.der'), a.signaturePayload!]).toString();
  assert.match(ok, /Verified OK/);
  const payload = JSON.parse(readFileSync(a.signaturePayload!, 'utf8'));
  assert.equal(payload.critical.image['docker-manifest-digest'], imgA.digest);
  // the package set agrees three ways: evidence input (lock), SBOM, and the image's status.d
  const inImage = (await imagePackages([imgA.layer.bytes], 'A')).map((p) => `${p.name}=${p.version}:${p.architecture}`);
  const inSbom = JSON.parse(readFileSync(a.spdx, 'utf8')).packages.filter((p: any) => p.SPDXID !== 'SPDXRef-Image')
    .map((p: any) => `${p.name}=${p.versionInfo}:${/arch=([^&]+)/.exec(p.externalRefs[0].referenceLocator)![1]}`);
  const inLock = input.packages.map((p) => `${p.name}=${p.version}:${p.architecture}`).sort();
  assert.deepEqual(inImage, inLock);
  assert.deepEqual(inSbom, inLock);
});

test('sign pushes .sig and .att to docker-registry; verify accepts the image', () => {
  const s = cli('sign', `docker://${reg.host}/demo/app:v1`, '--key', 'signer.key', '--insecure', '--evidence', 'out/evidence');
  assert.equal(s.code, 0, s.err);
  assert.match(s.out, new RegExp(`${imgA.digest.replace(':', '-')}\\.sig`));
  const v = cli('verify', `docker://${reg.host}/demo/app:v1`, '--key', 'signer.pub', '--insecure');
  assert.equal(v.code, 0, v.err);
  assert.match(v.out, /signature: 1 signature\(s\) verify/);
  assert.match(v.out, /attestations: 3 DSSE attestation/);
  assert.match(v.out, /provenance: 3 package\(s\) in status.d match/);
  // the registry serves the cosign tags as cosign stores them
  const tags = execFileSync('curl', ['-s', `http://${reg.host}/v2/demo/app/tags/list`]).toString();
  assert.ok(tags.includes(cosignTag(imgA.digest, 'sig')) && tags.includes(cosignTag(imgA.digest, 'att')));
  const sigManifest = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/demo/app:${cosignTag(imgA.digest, 'sig')}`]).toString());
  assert.equal(sigManifest.layers[0].mediaType, 'application/vnd.dev.cosign.simplesigning.v1+json');
  assert.ok(sigManifest.layers[0].annotations['dev.cosignproject.cosign/signature'].length > 60);
});

test('a signature from another key fails with its own message', () => {
  const v = cli('verify', `docker://${reg.host}/demo/app:v1`, '--key', 'other.pub', '--insecure');
  assert.equal(v.code, 6);
  assert.match(v.err, /signature-invalid.*no signature .* verifies with other\.pub/);
});

test('a payload for another digest fails with its own message', async () => {
  // copy A's valid signature image to B's .sig tag
  const a = store('v1');
  const sigA = (await a.manifest(cosignTag(imgA.digest, 'sig')))!;
  await a.put({ tag: cosignTag(imgB.digest, 'sig'), manifest: sigA, blobs: [] });
  const v = cli('verify', `docker://${reg.host}/demo/app:v2`, '--key', 'signer.pub', '--insecure');
  assert.equal(v.code, 6);
  assert.match(v.err, new RegExp(`signature-wrong-digest.*names ${imgA.digest}, not this image's manifest ${imgB.digest}`));
});

test('an attestation for another image fails with its own message', async () => {
  const key = loadPrivateKey(readFileSync(join(work, 'signer.key')), 'signer.key', 'correct horse');
  const s = store('v2');
  await signImage(s, key, []);
  const provA = readFileSync(join(work, 'out', 'evidence', 'prod.provenance.json'));
  const att = attestation(Buffer.from(provA.toString().trimEnd()), 'https://slsa.dev/provenance/v1', key);
  await s.put(cosignPut(imgB.digest, 'att', cosignImage([att])));
  const v = cli('verify', `docker://${reg.host}/demo/app:v2`, '--key', 'signer.pub', '--insecure');
  assert.equal(v.code, 6);
  assert.match(v.err, new RegExp(`attestation-wrong-subject.*is about ${imgA.digest}, not this image ${imgB.digest}`));
});

test('a tampered layer fails with its own message', () => {
  const hex = imgA.layer.digest.slice(7);
  const data = join(reg.storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
  const bytes = readFileSync(data);
  const i = bytes.length - 20;
  bytes[i] = bytes[i]! ^ 0xff;
  writeFileSync(data, bytes);
  const v = cli('verify', `docker://${reg.host}/demo/app:v1`, '--key', 'signer.pub', '--insecure');
  assert.equal(v.code, 6);
  assert.match(v.err, /blob-digest-mismatch.*layer 1 of .* is tampered/);
});

// Signing an OCI layout in place (cosign-save style kinds), verifying it, reading it with skopeo, and `airlock vex`.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tinyImage, type TinyImage } from '../fixtures/evidence/tiny-image.js';
import { sampleInput, prodPackages } from '../fixtures/evidence/input.js';
import { writeEvidence } from '../../src/evidence/write-evidence.js';
import { cosignTag } from '../../src/evidence/cosign.js';
import { writeVexFile } from '../../src/evidence/write-evidence.js';
import { signWithEvidence } from '../../src/evidence/sign-image.js';
import { layoutImageStore } from '../../src/sinks/layout-store.js';
import { loadPrivateKey } from '../../src/evidence/keys.js';
import { parseScanReport } from '../../src/evidence/scan-report.js';
import { validateLayout } from '../validate.js';

const mainTs = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const trivy = fileURLToPath(new URL('../fixtures/evidence/trivy-dev.json', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'airlock-evidence-layout-'));
const layout = join(work, 'layout');
let img: TinyImage;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), mainTs, ...args], { cwd: work, env: { ...process.env, AIRLOCK_KEY_PASSWORD: '' }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  img = await tinyImage(prodPackages);
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  for (const b of [img.config, img.layer]) writeFileSync(join(layout, 'blobs', 'sha256', b.digest.slice(7)), b.bytes);
  writeFileSync(join(layout, 'blobs', 'sha256', img.digest.slice(7)), img.manifest);
  writeFileSync(join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: img.digest, size: img.manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }],
  }));
  await writeEvidence(join(work, 'out'), sampleInput({ name: 'demo/app', imageDigest: img.digest }));
  assert.equal(cli('keygen').code, 0);
});

test('sign writes .sig/.att into the layout with cosign kinds; skopeo reads them; verify passes', async () => {
  await validateLayout(layout, 'v1');
  const s = cli('sign', `oci:${layout}:v1`, '--key', 'airlock.key', '--name', 'demo/app', '--evidence', 'out/evidence');
  assert.equal(s.code, 0, s.err);
  const idx = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const kinds = idx.manifests.map((m: any) => m.annotations.kind).sort();
  assert.deepEqual(kinds, ['dev.cosignproject.cosign/atts', 'dev.cosignproject.cosign/image', 'dev.cosignproject.cosign/sigs']);
  const sig = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', `oci:${layout}:${cosignTag(img.digest, 'sig')}`]).toString());
  assert.equal(sig.layers[0].mediaType, 'application/vnd.dev.cosign.simplesigning.v1+json');
  const att = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', `oci:${layout}:${cosignTag(img.digest, 'att')}`]).toString());
  assert.deepEqual(att.layers.map((l: any) => l.annotations.predicateType).sort(),
    ['https://cyclonedx.org/bom', 'https://slsa.dev/provenance/v1', 'https://spdx.dev/Document']);
  const v = cli('verify', `oci:${layout}:v1`, '--key', 'airlock.pub');
  assert.equal(v.code, 0, v.err);
  assert.match(v.out, /provenance: 3 package\(s\)/);
  // the layout stays valid (index.json schema, every blob hashes to its name, the image itself)
  await validateLayout(layout, 'v1');
});

test('sign refuses evidence that is about another image', async () => {
  await writeEvidence(join(work, 'other'), sampleInput({ imageDigest: 'sha256:' + '99'.repeat(32) }));
  const s = cli('sign', `oci:${layout}:v1`, '--key', 'airlock.key', '--evidence', 'other/evidence');
  assert.equal(s.code, 2);
  assert.match(s.err, /no provenance in .* is about sha256:/);
});

test('vex: gcc-12 (dev only) is not_affected/component_not_present, libc6 (in prod) is affected', () => {
  const r = cli('vex', '--scan', trivy, `oci:${layout}:v1`, '--name', 'demo/app', '--out', 'prod.vex.json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(readFileSync(join(work, 'prod.vex.json'), 'utf8'));
  const by = new Map(doc.statements.map((s: any) => [s.vulnerability.name, s]));
  assert.equal((by.get('CVE-2023-4039') as any).status, 'not_affected');
  assert.equal((by.get('CVE-2023-4039') as any).justification, 'component_not_present');
  assert.equal((by.get('CVE-2024-2961') as any).status, 'affected');
  assert.equal(doc.timestamp, '2023-11-14T22:13:20Z');
  assert.match((by.get('CVE-2024-2961') as any).products[0]['@id'], new RegExp(`^pkg:oci/app@sha256%3A${img.digest.slice(7)}`));
  // same inputs, same bytes on standard output
  const again = cli('vex', '--scan', trivy, `oci:${layout}:v1`, '--name', 'demo/app');
  assert.equal(again.out, readFileSync(join(work, 'prod.vex.json'), 'utf8'));
});

test('build hooks: writeVexFile + signWithEvidence attach SBOMs, provenance and VEX; verify passes', async () => {
  const { findings } = parseScanReport(readFileSync(trivy, 'utf8'), trivy);
  const vexPath = await writeVexFile(join(work, 'out'), { findings, image: { name: 'demo/app', digest: img.digest }, prodPackages, epoch: 1700000000, distro: 'debian-12' });
  assert.equal(vexPath, join(work, 'out', 'evidence', 'prod.vex.json'));
  const key = loadPrivateKey(readFileSync(join(work, 'airlock.key')), 'airlock.key');
  const r = await signWithEvidence(await layoutImageStore(layout, { reference: 'v1', repository: 'demo/app' }), key, join(work, 'out', 'evidence'));
  assert.deepEqual([...r.attestations].sort(), ['https://cyclonedx.org/bom', 'https://openvex.dev/ns', 'https://slsa.dev/provenance/v1', 'https://spdx.dev/Document']);
  const v = cli('verify', `oci:${layout}:v1`, '--key', 'airlock.pub');
  assert.equal(v.code, 0, v.err);
  assert.match(v.out, /attestations: 4 DSSE/);
  // re-signing replaced the .sig/.att entries instead of piling them up
  const idx = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  assert.equal(idx.manifests.length, 3);
});

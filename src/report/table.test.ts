import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanSize, renderTable } from './table.js';
import { reduction, type BuildReport, type VariantReport } from './report.js';
import { inventory } from './inventory.js';

const v = (over: Partial<VariantReport>): VariantReport => ({
  ref: 'x', digest: 'sha256:' + 'a'.repeat(64), compressedSize: 0, uncompressedSize: 0, files: 0, user: '0',
  packages: 0, shells: [], compilers: [], packageManagers: [], buildSeconds: 0, ...over,
});

test('sizes are shown in registry units', () => {
  assert.equal(humanSize(999), '999 B');
  assert.equal(humanSize(1500), '1.5 KB');
  assert.equal(humanSize(123_456_789), '123 MB');
});

test('reduction is 1 - prod/dev', () => {
  assert.equal(reduction(200, 50), 0.75);
  assert.equal(reduction(0, 50), 0);
});

test('the table compares the three variants and states the reduction', () => {
  const r: BuildReport = {
    name: 'demo', tag: 'latest', epoch: { seconds: 1, from: 'git' },
    variants: {
      dev: v({ ref: 'demo:latest-dev', compressedSize: 100_000_000, shells: ['/usr/bin/bash', '/usr/bin/dash', '/usr/bin/sh'], user: '1000:1000' }),
      prod: v({ ref: 'demo:latest-prod', compressedSize: 2_000_000, user: '65532:65532', gates: { passed: true, findings: [] } }),
      test: v({ ref: 'demo:latest-test', compressedSize: 101_000_000 }),
    },
    aliases: {}, reduction: reduction(100_000_000, 2_000_000), artifacts: [], closurePackages: [], outputs: { oci: 'o', archives: { dev: 'a', prod: 'b', test: 'c' } }, warnings: [],
  };
  const t = renderTable(r);
  assert.match(t, /shells\s+3 \(bash, dash, …\)\s+none/);
  assert.match(t, /user\s+1000:1000\s+65532:65532/);
  assert.match(t, /prod is 98\.0% smaller than dev/);
  assert.doesNotMatch(t, /pruned/, 'nothing pruned, nothing said');
  assert.match(renderTable({ ...r, pruned: { files: 250, bytes: 1_082_756 } }), /dependencies pruned of 250 files no runtime needs \(1\.1 MB\)/);
  assert.doesNotMatch(t, /slicing/, 'slicing off, nothing said');
  const pkg = (name: string, removedFiles: number, removedBytes: number) => ({
    name, whole: removedFiles === 0, keptFiles: 3, keptBytes: 100, removedFiles, removedBytes,
  });
  const slicing = {
    removedFiles: 812, removedBytes: 9_512_000, rules: [],
    packages: [pkg('libc6', 800, 9_500_000), pkg('libgcc-s1', 12, 12_000), pkg('tzdata', 0, 0)],
  };
  assert.match(renderTable({ ...r, slicing }), /\nslicing: 812 files \(9\.5 MB\) left out of 2 of prod's 3 runtime packages\n/);
  const whole = { ...slicing, removedFiles: 0, removedBytes: 0, packages: [pkg('tzdata', 0, 0)] };
  assert.match(renderTable({ ...r, slicing: whole }), /slicing: nothing left out of prod's 1 runtime package\n/);
  const icu = {
    path: 'usr/lib/x86_64-linux-gnu/libicudata.so.72.1', package: 'libicu72', languages: ['en'], converters: false,
    original: { size: 31_262_256, sha256: 'a' }, made: { size: 4_899_320, sha256: 'b' }, keptItems: 700, removedItems: 3220, removed: {},
  };
  assert.match(renderTable({ ...r, slicing, icu: [icu] }), /runtime packages\nicu: \/usr\/lib\/x86_64-linux-gnu\/libicudata\.so\.72\.1 trimmed to languages en, no legacy charset converters: 31\.3 MB → 4\.9 MB \(made by airlock, not libicu72's\)\n/);
  assert.match(renderTable({ ...r, icu: [{ ...icu, languages: 'all' }] }), /\n\nicu: .* trimmed to all languages, no legacy charset converters:/);
});

test('inventory finds shells, compilers and package managers only in executable dirs', () => {
  const inv = inventory(['usr/bin/bash', 'usr/bin/gcc-12', 'usr/bin/x86_64-linux-gnu-gcc-12', 'usr/bin/apt-get', 'usr/share/doc/bash/copyright', 'usr/bin/hello', 'usr/lib/gcc/x86_64-linux-gnu/12/cc1']);
  assert.deepEqual(inv.shells, ['/usr/bin/bash']);
  assert.deepEqual(inv.compilers, ['/usr/bin/gcc-12', '/usr/bin/x86_64-linux-gnu-gcc-12', '/usr/lib/gcc/x86_64-linux-gnu/12/cc1']);
  assert.deepEqual(inv.packageManagers, ['/usr/bin/apt-get']);
  const jvmGo = inventory(['usr/lib/go-1.19/bin/go', 'usr/lib/jvm/java-17-openjdk-amd64/bin/javac', 'usr/lib/jvm/java-17-openjdk-amd64/bin/java']);
  assert.deepEqual(jvmGo.compilers, ['/usr/lib/go-1.19/bin/go', '/usr/lib/jvm/java-17-openjdk-amd64/bin/javac']);
});

// From slicing to the SBOMs: a sliced package lists exactly the regular files it kept, hashed from their bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { FileEntry } from '../image/entry.js';
import { sliceRuntime, type SliceElf } from '../variants/slice.js';
import { cyclonedxDocument } from '../evidence/cyclonedx.js';
import { spdxDocument } from '../evidence/spdx.js';
import { cyclonedxErrors, spdxErrors } from '../../test/fixtures/evidence/schemas.js';
import { prodPackages, sampleInput } from '../../test/fixtures/evidence/input.js';
import { slicedEvidencePackages, slicingReport, slicingSummary } from './slicing-summary.js';

const T = 'x86_64-linux-gnu';
const enc = (s: string) => new TextEncoder().encode(s);
// ELF facts from a fake parser: JSON after "ELF" in the file's bytes.
const elf = (e: Partial<SliceElf>) => `ELF${JSON.stringify({ needed: [], imports: [], ...e })}`;
const parseElf = (b: Uint8Array): SliceElf | undefined => {
  const s = new TextDecoder().decode(b);
  return s.startsWith('ELF') ? (JSON.parse(s.slice(3)) as SliceElf) : undefined;
};

/** libc6 (sliced: prod needs libc.so.6 only) and tzdata (declared, whole); contents by path. */
const CONTENT: Record<string, [owner: string, text: string]> = {
  [`usr/lib/${T}/libc.so.6`]: ['libc6', elf({})],
  [`usr/lib/${T}/libm.so.6`]: ['libc6', elf({ needed: ['libc.so.6'] })],
  'usr/bin/ldd': ['libc6', '#!/bin/bash\n'],
  'usr/share/doc/libc6/copyright': ['libc6', 'copyright of libc6'],
  'usr/share/zoneinfo/UTC': ['tzdata', 'TZif2 UTC'],
  'usr/share/doc/tzdata/copyright': ['tzdata', 'copyright of tzdata'],
};

function entries(): { entries: FileEntry[]; owners: Map<string, string> } {
  const out: FileEntry[] = [];
  const owners = new Map<string, string>();
  for (const [path, [owner, text]] of Object.entries(CONTENT)) {
    const data = enc(text);
    owners.set(path, owner);
    const open = async function* () { yield data; };
    out.push({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: data.length, open });
  }
  const link = `usr/lib/${T}/libc.so`;
  out.push({ path: link, type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: 'libc.so.6' });
  owners.set(link, 'libc6');
  out.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { entries: out, owners };
}

async function summary() {
  const r = await sliceRuntime({
    ...entries(), whole: new Set(['tzdata']), keep: [`usr/lib/${T}/libc.so`], architecture: 'amd64', parseElf,
    roots: [{ path: 'usr/local/bin/hello', type: 'file', bytes: enc(elf({ needed: ['libc.so.6'] })) }],
  });
  return slicingSummary(r);
}

const hash = (alg: string, path: string) => createHash(alg).update(CONTENT[path]![1]).digest('hex');

test('the SBOMs list exactly the regular files a sliced package kept, with the hashes of their bytes', async () => {
  const s = await summary();
  const pkgs = slicedEvidencePackages(prodPackages.filter((p) => p.name !== 'libgcc-s1'), s);
  const input = sampleInput({ packages: pkgs });
  const kept = [`usr/lib/${T}/libc.so.6`, 'usr/share/doc/libc6/copyright'];
  assert.deepEqual(s.packages.find((p) => p.name === 'libc6'), {
    name: 'libc6', whole: false, keptFiles: 3, keptBytes: kept.reduce((n, p) => n + CONTENT[p]![1].length, 0),
    removedFiles: 2, removedBytes: CONTENT[`usr/lib/${T}/libm.so.6`]![1].length + CONTENT['usr/bin/ldd']![1].length,
  }, 'the symlink counts among the kept files, with no bytes');

  const spdx = spdxDocument(input) as any;
  assert.deepEqual(spdxErrors(spdx), []);
  const libc = spdx.packages.find((p: any) => p.name === 'libc6');
  const listed = spdx.relationships
    .filter((r: any) => r.spdxElementId === libc.SPDXID && r.relationshipType === 'CONTAINS')
    .map((r: any) => spdx.files.find((f: any) => f.SPDXID === r.relatedSpdxElement));
  assert.deepEqual(listed.map((f: any) => [f.fileName, f.checksums]), kept.map((p) => [
    `./${p}`,
    [{ algorithm: 'SHA1', checksumValue: hash('sha1', p) }, { algorithm: 'SHA256', checksumValue: hash('sha256', p) }],
  ]));
  assert.equal(spdx.packages.find((p: any) => p.name === 'tzdata').filesAnalyzed, false);

  const cdx = cyclonedxDocument(input) as any;
  assert.deepEqual(cyclonedxErrors(cdx), []);
  const nested = cdx.components.find((c: any) => c.name === 'libc6').components;
  assert.deepEqual(nested.map((f: any) => [f.name, f.hashes.map((h: any) => h.content)]),
    kept.map((p) => [`/${p}`, [hash('sha1', p), hash('sha256', p)]]));
  assert.equal(cdx.components.find((c: any) => c.name === 'tzdata').components, undefined);
});

test('without slicing the packages are as locked; report.json gets the figures, not the file maps', async () => {
  assert.deepEqual(slicedEvidencePackages(prodPackages, undefined), prodPackages);
  const s = await summary();
  assert.deepEqual(Object.keys(slicingReport(s)), ['removedFiles', 'removedBytes', 'rules', 'packages']);
  assert.equal(slicingReport(s).removedFiles, 2);
  assert.equal(s.leftOut.get('usr/bin/ldd')?.package, 'libc6');
});

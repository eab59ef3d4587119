import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inReleaseFileFor, loadPackageIndex, readRelease } from './index.js';

const stanza = (name: string, version: string, arch: string, extra = '') =>
  `Package: ${name}\nVersion: ${version}\nArchitecture: ${arch}\n${extra}Filename: pool/${name}_${version}.deb\nSize: 1\nSHA256: ${createHash('sha256').update(name + version).digest('hex')}\n`;

test('package index: required names for the architecture, exact lookups, listed hashes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-index-'));
  const a = join(dir, 'a_Packages');
  const b = join(dir, 'b_Packages');
  writeFileSync(a, [stanza('dash', '0.5', 'amd64', 'Priority: required\n'), stanza('libc6', '2.36-9', 'amd64'), stanza('tzdata', '2024a', 'all', 'Priority: required\n'), stanza('armonly', '1', 'arm64', 'Priority: required\n')].join('\n'));
  writeFileSync(b, stanza('libc6', '2.36-9+deb12u1', 'amd64'));
  const targets = [a, b].map((file) => ({ file, uri: 'u', suite: 's', component: 'main', inReleaseFile: '' }));
  const idx = loadPackageIndex(targets, 'amd64');
  assert.deepEqual(idx.required, ['dash', 'tzdata']);
  assert.equal(idx.lookup('libc6', '2.36-9+deb12u1', 'amd64')?.target, 1);
  assert.equal(idx.lookup('libc6', '2.36-9', 'amd64')?.target, 0);
  assert.equal(idx.lookup('libc6', '2.36', 'amd64'), undefined, 'no prefix matches');
  assert.equal(idx.lookup('tzdata', '2024a', 'all')?.stanza.Package, 'tzdata');
  assert.equal(idx.lookup('nope', '1', 'amd64'), undefined);
  assert.equal(idx.hasSha256(createHash('sha256').update('dash0.5').digest('hex')), true);
  assert.equal(idx.hasSha256('0'.repeat(64)), false);
});

test('InRelease facts: sha256 of the file, codename, version, Date as epoch seconds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-release-'));
  const f = join(dir, 'x_InRelease');
  const text = '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Debian\nCodename: bookworm\nVersion: 12.10\nDate: Sat, 15 Mar 2025 09:42:01 UTC\n-----BEGIN PGP SIGNATURE-----\nx\n-----END PGP SIGNATURE-----\n';
  writeFileSync(f, text);
  const r = readRelease(f);
  assert.equal(r.sha256, createHash('sha256').update(text).digest('hex'));
  assert.equal(r.codename, 'bookworm');
  assert.equal(r.version, '12.10');
  assert.equal(r.date, Date.UTC(2025, 2, 15, 9, 42, 1) / 1000);
});

test('the InRelease list file sits beside the Packages list file', () => {
  assert.equal(inReleaseFileFor('/l/m.example_debian_dists_bookworm_main_binary-amd64_Packages', 'main'), '/l/m.example_debian_dists_bookworm_InRelease');
  assert.equal(inReleaseFileFor('/l/m_dists_s_non-free-firmware_binary-arm64_Packages', 'non-free-firmware'), '/l/m_dists_s_InRelease');
  assert.equal(inReleaseFileFor('/l/m_dists_s_main_debian-installer_binary-amd64_Packages', 'main/debian-installer'), '/l/m_dists_s_InRelease');
});

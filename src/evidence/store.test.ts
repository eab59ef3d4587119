import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePackages } from './verify-image.js';
import { parseStatus } from './image-packages.js';
import { debPurl, ociPurl, parseDebPurl } from './purl.js';
import { cosignTag } from './cosign.js';
import { uuidV5 } from './uuid.js';

test('purls: + encoded, epoch colon kept, qualifiers sorted; round trip', () => {
  const p = debPurl({ name: 'attr', version: '1:2.4.47-2+b1', architecture: 'amd64' }, 'debian-12');
  assert.equal(p, 'pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64&distro=debian-12');
  assert.deepEqual(parseDebPurl(p), { name: 'attr', version: '1:2.4.47-2+b1', architecture: 'amd64' });
  assert.equal(ociPurl('app', 'sha256:' + '0'.repeat(64)), 'pkg:oci/app@sha256%3A' + '0'.repeat(64));
  assert.equal(cosignTag('sha256:' + 'f'.repeat(64), 'sig'), 'sha256-' + 'f'.repeat(64) + '.sig');
});

test('uuid v5 matches the RFC 4122 reference value', () => {
  // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') == 886313e1-3b8a-5372-9b90-0c9aee199e5d
  assert.equal(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
});

test('status parsing skips removed packages; provenance/package mismatches are named', () => {
  const pkgs = parseStatus('Package: a\nVersion: 1\nArchitecture: amd64\n\nPackage: b\nStatus: deinstall ok config-files\nVersion: 2\n');
  assert.deepEqual(pkgs, [{ name: 'a', version: '1', architecture: 'amd64' }]);
  const pred = { buildDefinition: { resolvedDependencies: [
    { uri: 'pkg:deb/debian/a@1?arch=amd64', annotations: { 'dev.airlock.role': 'image' } },
    { uri: 'pkg:deb/debian/gcc@12?arch=amd64', annotations: { 'dev.airlock.role': 'builder' } },
  ] } };
  comparePackages(pred, pkgs);
  assert.throws(() => comparePackages(pred, [...pkgs, { name: 'c', version: '3', architecture: 'amd64' }]), /in the image but not the provenance: c=3:amd64/);
  assert.throws(() => comparePackages(pred, []), /in the provenance but not the image: a=1:amd64/);
});

test('image packages: later layers win, whiteouts and opaque dirs remove status files', async () => {
  const { pack } = await import('tar-stream');
  const { gzipSync } = await import('node:zlib');
  const { imagePackages } = await import('./image-packages.js');
  const tar = async (files: Record<string, string>) => {
    const p = pack();
    const chunks: Buffer[] = [];
    p.on('data', (c: Buffer) => chunks.push(c));
    const end = new Promise((r) => p.on('end', r));
    for (const [name, body] of Object.entries(files)) p.entry({ name }, body);
    p.finalize();
    await end;
    return Buffer.concat(chunks);
  };
  const st = (n: string, v: string) => `Package: ${n}\nVersion: ${v}\nArchitecture: amd64\n`;
  const l1 = gzipSync(await tar({ 'var/lib/dpkg/status.d/a': st('a', '1'), 'var/lib/dpkg/status.d/b': st('b', '1'), 'var/lib/dpkg/status.d/b.md5sums': 'x' }));
  const l2 = await tar({ 'var/lib/dpkg/status.d/a': st('a', '2'), 'var/lib/dpkg/status.d/.wh.b': '' });
  assert.deepEqual(await imagePackages([l1, l2], 't'), [{ name: 'a', version: '2', architecture: 'amd64' }]);
  const l3 = await tar({ 'var/lib/dpkg/status.d/.wh..wh..opq': '', 'var/lib/dpkg/status.d/c': st('c', '3') });
  assert.deepEqual(await imagePackages([l1, l3], 't'), [{ name: 'c', version: '3', architecture: 'amd64' }]);
  await assert.rejects(imagePackages([Buffer.from('not a tar at all, definitely not')], 'junk'), /cannot read the layers of junk/);
});

test('image distro comes from os-release', async () => {
  const { pack } = await import('tar-stream');
  const { imageDistro } = await import('./image-packages.js');
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: Buffer) => chunks.push(c));
  const end = new Promise((r) => p.on('end', r));
  p.entry({ name: 'etc/os-release' }, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n');
  p.finalize();
  await end;
  assert.equal(await imageDistro([Buffer.concat(chunks)], 't'), 'debian-12');
  assert.equal(await imageDistro([], 't'), undefined);
});

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { diffImages } from './diff.js';
import { installedPackages } from './packages.js';
import { dir, file, image, link } from './test-kit.js';

const status = 'Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nArchitecture: amd64\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\nArchitecture: all\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2-1\nArchitecture: amd64\n';

it('reads dpkg status and status.d stanzas (skipping md5sums and removed packages)', async () => {
  const fs = await image([[file('var/lib/dpkg/status', status), file('var/lib/dpkg/status.d/zlib1g', 'Package: zlib1g\nVersion: 1:1.2.13\nArchitecture: amd64\n'), file('var/lib/dpkg/status.d/zlib1g.md5sums', 'abc  usr/lib/x\n'), file('var/lib/dpkg/status.d/bad', 'not deb822 at all')]]);
  assert.deepEqual((await installedPackages(fs)).map((p) => `${p.name}=${p.version}`), ['bash=5.2-1', 'libc6=2.36-9', 'zlib1g=1:1.2.13']);
});

it('diffs files, packages and size between two images', async () => {
  const prod = await image([[dir('app'), file('app/server', 'x'.repeat(100)), file('var/lib/dpkg/status.d/libc6', 'Package: libc6\nVersion: 2.36-9\nArchitecture: amd64\n'), file('etc/conf', 'a')]]);
  const dev = await image([[dir('app'), file('app/server', 'x'.repeat(100)), file('var/lib/dpkg/status', status.replace('2.36-9', '2.36-9+deb12u1')), file('etc/conf', 'abc', { mode: 0o600 }), dir('bin'), file('bin/bash', 'y'.repeat(1000), { mode: 0o755 }), link('bin/sh', 'bash')]]);
  const d = await diffImages(prod, dev);
  assert.deepEqual(d.files.added.map((f) => f.path), ['bin', 'bin/bash', 'bin/sh', 'var/lib/dpkg/status']);
  assert.deepEqual(d.files.removed.map((f) => f.path), ['var/lib/dpkg/status.d/libc6']);
  assert.deepEqual(d.files.changed.map((f) => [f.path, f.what]), [['etc/conf', 'size, mode 644→600']]);
  assert.deepEqual(d.packages.added.map((p) => p.name), ['bash']);
  assert.deepEqual(d.packages.changed.map((p) => [p.name, p.versionBefore, p.version]), [['libc6', '2.36-9', '2.36-9+deb12u1']]);
  assert.equal(d.size.delta, d.size.b - d.size.a);
  assert.ok(d.size.added >= 1000);
});

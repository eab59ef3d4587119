import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerIndex, packageOwningPath } from './owner.js';
import { statusStanza } from './runtime.js';

test('packageOwningPath reads dpkg .list files, strips :arch and treats /lib and /usr/lib alike', () => {
  const root = mkdtempSync(join(tmpdir(), 'airlock-owner-'));
  const info = join(root, 'var/lib/dpkg/info');
  mkdirSync(info, { recursive: true });
  writeFileSync(join(info, 'libc6:amd64.list'), '/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libc.so.6\n/lib64/ld-linux-x86-64.so.2\n');
  writeFileSync(join(info, 'make.list'), '/.\n/usr\n/usr/bin\n/usr/bin/make\n');
  writeFileSync(join(info, 'make.md5sums'), 'x  usr/bin/make\n');
  assert.equal(packageOwningPath(root, '/usr/lib/x86_64-linux-gnu/libc.so.6'), 'libc6');
  assert.equal(packageOwningPath(root, 'lib/x86_64-linux-gnu/libc.so.6'), 'libc6');
  assert.equal(packageOwningPath(root, '/usr/lib64/ld-linux-x86-64.so.2'), 'libc6');
  assert.equal(packageOwningPath(root, '/usr/bin/make'), 'make');
  assert.equal(packageOwningPath(root, '/usr/bin/gmake'), undefined);
  assert.equal(ownerIndex(root).has(''), false, 'the root "/." is nobody\'s');
});

test('status stanza keeps the dpkg field order and the full description', () => {
  const s = statusStanza({ Package: 'libfoo1', Version: '1.0-1+b1', Architecture: 'amd64', Source: 'foo (1.0-1)', Depends: 'libc6 (>= 2.34)', Description: 'short\nlong line', Maintainer: 'M <m@example.org>', 'Installed-Size': '10', Priority: 'optional', Section: 'libs', Filename: 'pool/x.deb' });
  assert.equal(s, 'Package: libfoo1\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 10\nMaintainer: M <m@example.org>\nArchitecture: amd64\nSource: foo (1.0-1)\nVersion: 1.0-1+b1\nDepends: libc6 (>= 2.34)\nDescription: short\n long line\n');
});

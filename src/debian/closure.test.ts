import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lockedFromStanza, resolveDepends, runtimeClosure, RUNTIME_EXCLUDED } from './closure.js';
import { parseDeb822 } from './deb822.js';

const packages = `Package: libfoo1
Source: foo (1.0-1)
Version: 1.0-1+b1
Architecture: amd64
Maintainer: M <m@example.org>
Installed-Size: 10
Pre-Depends: dpkg (>= 1.15)
Depends: libc6 (>= 2.34), debconf | debconf-2.0
Filename: pool/main/f/foo/libfoo1_1.0-1+b1_amd64.deb
Size: 1234
SHA256: ${'a'.repeat(64)}
Description: the foo library
 long text

Package: libc6
Version: 2.36
Architecture: amd64
Depends: libgcc-s1
Filename: pool/libc6.deb
Size: 1
SHA256: ${'b'.repeat(64)}

Package: libgcc-s1
Version: 12
Architecture: amd64
Filename: pool/libgcc.deb
Size: 1
SHA256: ${'c'.repeat(64)}

Package: cdebconf
Provides: debconf-2.0
Version: 1
Architecture: amd64
Depends: bash
Filename: pool/cdebconf.deb
Size: 1
SHA256: ${'d'.repeat(64)}

Package: dpkg
Version: 1.21
Architecture: amd64
Depends: tar
Filename: pool/dpkg.deb
Size: 1
SHA256: ${'e'.repeat(64)}

Package: tar
Version: 1.34
Architecture: amd64
Filename: pool/tar.deb
Size: 1
SHA256: ${'f'.repeat(64)}

Package: bash
Version: 5
Architecture: amd64
Filename: pool/bash.deb
Size: 1
SHA256: ${'0'.repeat(64)}
`;

const set = resolveDepends(parseDeb822(packages).map((st) => lockedFromStanza(st, 0)));

test('records the lock fields of a stanza (binNMU source version, short description)', () => {
  const foo = set.find((p) => p.name === 'libfoo1')!;
  assert.equal(foo.source, 'foo');
  assert.equal(foo.sourceVersion, '1.0-1');
  assert.equal(foo.size, 1234);
  assert.equal(foo.description, 'the foo library');
  assert.equal(foo.installedSize, 10);
  assert.deepEqual(foo.depends, ['cdebconf', 'dpkg', 'libc6']);
  assert.equal('provides' in foo, false);
  assert.equal(set.find((p) => p.name === 'libc6')!.sourceVersion, undefined);
  assert.deepEqual(set.map((p) => p.name), [...set.map((p) => p.name)].sort());
});

test('runtime closure follows depends but not into tools and maintainer-script helpers', () => {
  assert.ok(RUNTIME_EXCLUDED.includes('dpkg') && RUNTIME_EXCLUDED.includes('libc-bin') && RUNTIME_EXCLUDED.includes('bash'));
  const rt = runtimeClosure(set, ['libfoo1']).map((p) => p.name);
  assert.deepEqual(rt, ['cdebconf', 'libc6', 'libfoo1', 'libgcc-s1']);
  assert.deepEqual(runtimeClosure(set, ['bash']).map((p) => p.name), ['bash'], 'an explicitly declared tool is kept');
  assert.deepEqual(runtimeClosure(set, ['libc6=2.36']).map((p) => p.name), ['libc6', 'libgcc-s1']);
  assert.throws(() => runtimeClosure(set, ['nothere']), /nothere is not in the locked builder set/);
});

test('ca-certificates is data: its openssl and debconf dependencies (for update-ca-certificates) stay out of prod', () => {
  const st = parseDeb822(`Package: ca-certificates
Version: 20230311+deb12u1
Architecture: all
Depends: openssl (>= 1.1.1), debconf (>= 0.5) | debconf-2.0
Filename: pool/ca.deb
Size: 1
SHA256: ${'1'.repeat(64)}

Package: openssl
Version: 3.0.15-1
Architecture: amd64
Depends: libc6 (>= 2.34), libssl3 (>= 3.0.9)
Filename: pool/openssl.deb
Size: 1
SHA256: ${'2'.repeat(64)}

Package: libssl3
Version: 3.0.15-1
Architecture: amd64
Depends: libc6 (>= 2.34)
Filename: pool/libssl3.deb
Size: 1
SHA256: ${'3'.repeat(64)}

Package: debconf
Version: 1.5.82
Architecture: all
Filename: pool/debconf.deb
Size: 1
SHA256: ${'4'.repeat(64)}
`);
  const withCa = resolveDepends([...parseDeb822(packages), ...st].map((s) => lockedFromStanza(s, 0)));
  assert.deepEqual(withCa.find((p) => p.name === 'ca-certificates')!.depends, ['debconf', 'openssl'], 'the lock still records them');
  assert.deepEqual(runtimeClosure(withCa, ['ca-certificates']).map((p) => p.name), ['ca-certificates']);
  assert.deepEqual(runtimeClosure(withCa, ['ca-certificates', 'openssl']).map((p) => p.name), ['ca-certificates', 'libc6', 'libgcc-s1', 'libssl3', 'openssl'], 'openssl declared on its own is kept with its libraries');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { licensesFromCopyright, spdxExpression } from './licenses.js';
import { readPackageLicenses } from './read-licenses.js';

test('DEP-5 copyright files give license names; free-form files give none', () => {
  const dep5 = 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n\nFiles: x\nLicense: Artistic or GPL-1+\n\nLicense: GPL-2+\n text\n';
  assert.deepEqual(licensesFromCopyright(dep5), ['Artistic', 'GPL-1+', 'GPL-2+']);
  assert.deepEqual(licensesFromCopyright('This is the Debian prepackaged version of the GNU C Library.\nLicense: LGPL\n'), []);
  assert.equal(spdxExpression(['GPL-2+', 'Expat', 'BSD-4-clause-UC']), 'GPL-2.0-or-later AND LicenseRef-BSD-4-clause-UC AND MIT');
  assert.equal(spdxExpression([]), 'NOASSERTION');
});

test('reads real Debian copyright files from this machine', { skip: !existsSync('/usr/share/doc/bash/copyright') }, async () => {
  const got = await readPackageLicenses('/', ['bash', 'libc6', 'zlib1g', 'no-such-package']);
  assert.ok(got.get('bash')?.includes('GPL-3+'));
  assert.equal(got.has('libc6'), false, 'glibc ships a free-form copyright file: no claim');
  assert.equal(got.has('no-such-package'), false);
  if (existsSync('/usr/share/doc/zlib1g/copyright')) assert.deepEqual(got.get('zlib1g'), ['Zlib']);
});

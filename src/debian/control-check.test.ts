import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../errors.js';
import { asControlFacts, checkControl, compareControl, controlFacts, parseSourceField } from './control-check.js';
import type { LockedPackage } from './types.js';

const zlib: LockedPackage = {
  name: 'zlib1g', version: '1:1.2.13.dfsg-1', architecture: 'amd64', source: 'zlib', size: 1, sha256: 'a'.repeat(64),
  filename: 'pool/z.deb', repository: 0, depends: [],
};
const deb = controlFacts({ Package: 'zlib1g', Version: '1:1.2.13.dfsg-1', Architecture: 'amd64', Source: 'zlib' });

test('Source: absent is the package itself; a version in parentheses is kept only when it differs', () => {
  assert.deepEqual(parseSourceField(undefined, 'hello', '1'), { source: 'hello' });
  assert.deepEqual(parseSourceField('zlib', 'zlib1g', '1'), { source: 'zlib' });
  assert.deepEqual(parseSourceField('glibc (2.36-9)', 'libc6', '2.36-9+b1'), { source: 'glibc', sourceVersion: '2.36-9' });
  assert.deepEqual(parseSourceField('glibc (2.36-9)', 'libc6', '2.36-9'), { source: 'glibc' });
  assert.deepEqual(controlFacts({ package: 'x', version: '2', architecture: 'all' }), { package: 'x', version: '2', architecture: 'all', source: 'x' });
});

test('a matching entry passes; each edited field is named with both values', () => {
  assert.deepEqual(compareControl(zlib, deb), []);
  checkControl(zlib, deb);
  const cases: Array<[Partial<LockedPackage>, string, string, string]> = [
    [{ name: 'zlib2' }, 'Package', 'zlib2', 'zlib1g'],
    [{ version: '9:9.9.9-9' }, 'Version', '9:9.9.9-9', '1:1.2.13.dfsg-1'],
    [{ architecture: 'arm64' }, 'Architecture', 'arm64', 'amd64'],
    [{ source: 'zlib-ng' }, 'Source', 'zlib-ng', 'zlib'],
    [{ sourceVersion: '1:1.2.12' }, 'Source', 'zlib (1:1.2.12)', 'zlib'],
  ];
  for (const [edit, field, lock, debValue] of cases) {
    const p = { ...zlib, ...edit };
    assert.deepEqual(compareControl(p, deb), [{ field, lock, deb: debValue }]);
    assert.throws(() => checkControl(p, deb), (e) => e instanceof AirlockError && e.exitCode === 3 && e.code === 'lock-mismatch'
      && e.message.includes(`${field} is "${lock}" in the lock but "${debValue}" in the .deb`) && e.message.includes(p.name)
      && /airlock\.lock\.json/.test(e.location ?? '') && /lock --update/.test(e.hint ?? ''));
  }
  // A source version equal to the version means the same as none.
  assert.deepEqual(compareControl({ ...zlib, sourceVersion: zlib.version }, deb), []);
  // A binNMU: the .deb names its source version, and so must the lock.
  const binNmu = controlFacts({ Package: 'libc6', Version: '2.36-9+b1', Architecture: 'amd64', Source: 'glibc (2.36-9)' });
  const libc6 = { ...zlib, name: 'libc6', version: '2.36-9+b1', source: 'glibc' };
  assert.deepEqual(compareControl({ ...libc6, sourceVersion: '2.36-9' }, binNmu), []);
  assert.deepEqual(compareControl(libc6, binNmu), [{ field: 'Source', lock: 'glibc', deb: 'glibc (2.36-9)' }]);
});

test('facts from a cache record are used only when they have the right shape', () => {
  assert.deepEqual(asControlFacts(deb), deb);
  for (const bad of [null, 'x', {}, { ...deb, version: 1 }, { ...deb, sourceVersion: 2 }]) assert.equal(asControlFacts(bad), undefined);
});

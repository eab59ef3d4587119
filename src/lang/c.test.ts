import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cPack, cppPack, detectBuildSystem } from './c.js';
import { checkVersion } from './index.js';
import { AirlockError } from '../errors.js';

const src = (...f: string[]) => ({ topFiles: new Set(f), topText: new Map<string, string>(), topDirs: new Set<string>() });

test('build system detection prefers configure, then configure.ac, CMake, make', () => {
  assert.equal(detectBuildSystem(src('configure', 'CMakeLists.txt', 'Makefile')), 'autotools');
  assert.equal(detectBuildSystem(src('configure.ac', 'Makefile.am')), 'autoreconf');
  assert.equal(detectBuildSystem(src('CMakeLists.txt', 'Makefile')), 'cmake');
  assert.equal(detectBuildSystem(src('Makefile', 'main.c')), 'make');
  assert.equal(detectBuildSystem(src('main.c')), 'none');
});

test('C++ with CMake pulls g++ and cmake of the requested version into the builder', () => {
  const v = cppPack.parseVersion('gcc-12');
  assert.equal(v, '12');
  const pkgs = cppPack.builderPackages(v, src('CMakeLists.txt'));
  for (const p of ['g++', 'g++-12', 'gcc-12', 'cmake', 'make', 'libc6-dev']) assert.ok(pkgs.includes(p), p);
  assert.deepEqual(cppPack.buildEnv('12'), { CC: 'gcc-12', CXX: 'g++-12' });
  assert.match(cppPack.defaultSteps(src('CMakeLists.txt')).steps.join('\n'), /cmake --install build/);
});

test('version parsing accepts gcc-12, 12 and 12.2', () => {
  assert.equal(cPack.parseVersion('gcc-12'), '12');
  assert.equal(cPack.parseVersion('12'), '12');
  assert.equal(cPack.parseVersion('12.2'), '12');
  assert.equal(cPack.parseVersion(undefined), undefined);
});

test('an unavailable version names what the suite offers', () => {
  const names = ['gcc-12', 'gcc-11', 'gcc-12-base', 'gcc'];
  checkVersion(cPack, '12', names, 'Debian 12');
  assert.throws(() => checkVersion(cPack, '99', names, 'Debian 12'), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.equal(e.message, 'gcc 99 is not available in Debian 12; available: 11, 12');
    assert.equal(e.exitCode, 2);
    return true;
  });
});

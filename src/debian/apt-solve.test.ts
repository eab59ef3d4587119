import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySolveFailure, parseSimulation } from './apt-solve.js';
import { classifyUpdateFailure } from './apt-update.js';
import { mergeRequests } from './resolve.js';
import type { AptDir } from './apt-dir.js';

test('parses apt simulation lines', () => {
  const out = 'NOTE: x\nInst gcc-12-base (12.2.0-14 Debian:12.10/stable [amd64])\nInst libc6 (2.36-9+deb12u10 Debian:12.10/stable, Debian-Security:12/stable-security [amd64]) []\nInst tzdata [2024a-0] (2025b-0 Debian:12/stable [all])\nConf libc6 (2.36)\n';
  assert.deepEqual(parseSimulation(out), [
    { name: 'gcc-12-base', version: '12.2.0-14', arch: 'amd64' },
    { name: 'libc6', version: '2.36-9+deb12u10', arch: 'amd64' },
    { name: 'tzdata', version: '2025b-0', arch: 'all' },
  ]);
});

test('classifies resolution failures into distinct codes', () => {
  const c = (s: string) => classifySolveFailure(s);
  assert.equal(c('E: Unable to locate package nosuch').code, 'unknown-package');
  assert.match(c('E: Unable to locate package nosuch').message, /nosuch/);
  assert.equal(c("E: Package 'virt' has no installation candidate").code, 'unknown-package');
  const v = c("E: Version '9.9' for 'gcc' was not found");
  assert.equal(v.code, 'impossible-version');
  assert.match(v.message, /gcc=9\.9/);
  const u = c('The following packages have unmet dependencies:\n a : Depends: b (>= 2) but 1 is to be installed\nE: Unable to correct problems, you have held broken packages.');
  assert.equal(u.code, 'unsatisfiable');
  assert.match(u.message, /a : Depends: b \(>= 2\)/);
  for (const e of [u, v]) assert.equal(e.exitCode, 3);
});

test('classifies index download failures', () => {
  const dir = { sources: [{ uri: 'http://m.example/d', suite: 's', components: ['main'] }] } as unknown as AptDir;
  assert.equal(classifyUpdateFailure('W: GPG error: http://m.example/d s InRelease: The following signatures couldn\'t be verified because the public key is not available: NO_PUBKEY 1234\nE: The repository \'http://m.example/d s InRelease\' is not signed.', dir).code, 'bad-signature');
  assert.equal(classifyUpdateFailure("Err:1 http://m.example/d s InRelease\n  Could not resolve 'm.example'\nE: Failed to fetch", dir).code, 'mirror-unreachable');
  assert.equal(classifyUpdateFailure('E: something else', dir).code, 'apt-update-failed');
});

test('merges requests: one per name, a pinned version wins', () => {
  assert.deepEqual(mergeRequests([['b', 'a'], ['a=1', 'c'], ['b']]), ['a=1', 'b', 'c']);
});

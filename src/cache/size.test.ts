import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AirlockError } from '../errors.js';
import { keepDaysArgument, maxSizeArgument, parseByteSize } from './size.js';

test('sizes: bytes, K/M/G/T as powers of 1024 (du, df), KB/MB as 1000, KiB/GiB as 1024', () => {
  assert.equal(parseByteSize('1'), 1);
  assert.equal(parseByteSize('500M'), 500 * 2 ** 20);
  assert.equal(parseByteSize('2G'), 2 * 2 ** 30);
  assert.equal(parseByteSize('2g'), 2 * 2 ** 30);
  assert.equal(parseByteSize('1.5GiB'), 1.5 * 2 ** 30);
  assert.equal(parseByteSize('800MB'), 800e6);
  assert.equal(parseByteSize('10 K'), 10240);
  assert.equal(parseByteSize('1T'), 2 ** 40);
  for (const bad of ['', 'M', '-1G', '1.5.5G', '2X', '1e9', 'lots', '99999999999999999T']) assert.equal(parseByteSize(bad), undefined, bad);
});

test('property: N with a unit letter is N times the unit, never below N bytes', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom('', 'K', 'M', 'G', 'KB', 'MiB'), (n, unit) => {
    const bytes = parseByteSize(`${n}${unit}`);
    assert.ok(bytes !== undefined && bytes >= n);
    assert.equal(parseByteSize(`${n}${unit.toLowerCase()}`), bytes);
  }), { seed: 3 });
});

test('a bad --max-size or --keep-days is a usage error (exit 2) with a hint', () => {
  assert.equal(maxSizeArgument('1'), 1);
  assert.throws(() => maxSizeArgument('big'), (e) => e instanceof AirlockError && e.code === 'bad-size' && e.exitCode === 2 && /500M/.test(e.hint ?? ''));
  assert.equal(keepDaysArgument('7'), 7);
  assert.equal(keepDaysArgument('0.5'), 0.5);
  for (const bad of ['-1', 'week', '']) {
    assert.throws(() => keepDaysArgument(bad), (e) => e instanceof AirlockError && e.code === 'bad-days' && e.exitCode === 2 && !!e.hint);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../errors.js';
import { formatAge, parseDuration } from './duration.js';

const H = 3_600_000;

test('durations: a number and a unit, several summed', () => {
  assert.equal(parseDuration('7d'), 7 * 24 * H);
  assert.equal(parseDuration('36h'), 36 * H);
  assert.equal(parseDuration('1w2d'), 9 * 24 * H);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('0d'), 0);
});

test('bad durations name the character at fault', () => {
  const cases: [string, RegExp][] = [
    ['7x', /"x" is not a unit at character 2/], ['-1d', /cannot be negative at character 1/],
    ['7', /missing unit at character 2/], ['d', /expected a number, found "d" at character 1/],
    ['', /empty/], ['1.5d', /"\." is not a unit at character 2/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseDuration(text), (e: unknown) => {
      assert.ok(e instanceof AirlockError);
      assert.equal(e.code, 'bad-duration');
      assert.equal(e.exitCode, 2);
      assert.equal(e.location, '--older-than');
      assert.match(e.message, message, text);
      return true;
    });
  }
});

test('ages are shown in the largest whole unit up to days', () => {
  assert.equal(formatAge(10 * 24 * H + 5), '10d');
  assert.equal(formatAge(5 * H), '5h');
  assert.equal(formatAge(59_000), '59s');
  assert.equal(formatAge(-5), '0s');
});

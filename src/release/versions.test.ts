import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../errors.js';
import { isReleaseTag, parseReleaseVersion, planConvenienceTags, sortReleases } from './versions.js';

const moved = (version: string, existing: string[]) =>
  planConvenienceTags(version, existing).filter((m) => m.moves).map((m) => m.tag);

test('the first release moves X.Y, X and latest', () => {
  assert.deepEqual(moved('1.2.3', []), ['1.2', '1', 'latest']);
});

test('a higher patch moves all three; a lower one after a higher one moves none', () => {
  assert.deepEqual(moved('1.2.4', ['1.2.3']), ['1.2', '1', 'latest']);
  assert.deepEqual(moved('1.2.2', ['1.2.3', '1.2.4']), []);
  assert.deepEqual(planConvenienceTags('1.2.2', ['1.2.4']).map((m) => m.highest), ['1.2.4', '1.2.4', '1.2.4']);
});

test('a fix of an older series moves only its own X.Y (and X when that series is the highest of its major)', () => {
  assert.deepEqual(moved('1.1.9', ['1.2.0', '2.0.0']), ['1.1']);
  assert.deepEqual(moved('1.3.1', ['1.2.0', '2.0.0']), ['1.3', '1']);
  assert.deepEqual(moved('3.0.0', ['1.2.0', '2.0.0']), ['3.0', '3', 'latest']);
});

test('a prerelease moves nothing, and existing prereleases do not hold tags back', () => {
  assert.deepEqual(moved('2.0.0-rc.1', ['1.0.0']), []);
  const reasons = planConvenienceTags('2.0.0-rc.1', ['3.0.0']).map((m) => m.reason);
  assert.deepEqual(reasons, ['prerelease', 'prerelease', 'prerelease']);
  assert.deepEqual(moved('1.0.0', ['1.0.1-rc.1']), ['1.0', '1', 'latest']);
});

test('the same version again moves its tags again (they already point there); other tags are ignored', () => {
  assert.deepEqual(moved('1.2.3', ['1.2.3', 'latest', '1', 'v9.9.9', 'dev']), ['1.2', '1', 'latest']);
});

test('release tags are exact semantic versions', () => {
  for (const t of ['1.2.3', '0.0.1', '2.0.0-rc.1']) assert.ok(isReleaseTag(t), t);
  for (const t of ['v1.2.3', '1.2', '1', 'latest', '01.2.3', '1.2.3+b1', 'sha256-ab.sig']) {
    assert.ok(!isReleaseTag(t), t);
  }
  const sorted = sortReleases(['1.2.3', 'latest', '1.10.0', '1.9.9', '2.0.0-rc.1']);
  assert.deepEqual(sorted, ['2.0.0-rc.1', '1.10.0', '1.9.9', '1.2.3']);
});

test('bad versions are usage errors located at --version, with a hint', () => {
  const cases: [string, RegExp][] = [
    ['1.2', /all three numbers, e.g. 1.2.0/], ['1', /1.0.0/], ['v1.2.3', /without the v: 1.2.3/],
    ['latest', /moves latest itself/], ['1.2.x', /X.Y.Z/], ['', /X.Y.Z/],
  ];
  for (const [text, hint] of cases) {
    assert.throws(() => parseReleaseVersion(text), (e: unknown) => {
      assert.ok(e instanceof AirlockError);
      assert.equal(e.code, 'bad-version');
      assert.equal(e.exitCode, 2);
      assert.equal(e.location, '--version');
      assert.match(e.hint ?? '', hint, text);
      return true;
    });
  }
  assert.equal(parseReleaseVersion('2.0.0-rc.1'), '2.0.0-rc.1');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../errors.js';
import { parseRelations, providersOf, resolveRelations } from './relations.js';

test('parses alternatives, versions and arch qualifiers', () => {
  assert.deepEqual(parseRelations('libc6 (>= 2.34), perl:any | awk, foo (<< 1:2~b)'), [
    [{ name: 'libc6', op: '>=', version: '2.34' }],
    [{ name: 'perl' }, { name: 'awk' }],
    [{ name: 'foo', op: '<<', version: '1:2~b' }],
  ]);
  assert.deepEqual(parseRelations(''), []);
  assert.deepEqual(parseRelations(undefined), []);
});

test('resolves alternatives and virtual packages within the set', () => {
  const set = [{ name: 'mawk', provides: 'awk' }, { name: 'libc6' }, { name: 'debconf', provides: 'debconf-2.0' }];
  const names = new Set(set.map((p) => p.name));
  const r = resolveRelations(parseRelations('gawk | awk, libc6 (>= 2), cdebconf | debconf-2.0, absent'), names, providersOf(set));
  assert.deepEqual(r.names, ['debconf', 'libc6', 'mawk']);
  assert.deepEqual(r.missing, ['absent']);
});

test('a malformed relation is a classified error naming where it is (exit 3)', () => {
  assert.throws(() => parseRelations('libc6, (>= 2)', 'Depends of foo'), (e) =>
    e instanceof AirlockError && e.exitCode === 3 && e.code === 'bad-relation' && e.location === 'Depends of foo' && /"\(>= 2\)"/.test(e.message));
  assert.throws(() => providersOf([{ name: 'p', provides: '!' }]), (e) => e instanceof AirlockError && e.location === 'Provides of p');
});

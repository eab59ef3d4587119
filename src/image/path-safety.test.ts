// checkEntryPath's one-pass check agrees with the rules as written (split into components) on every short path over
// the characters that matter, and names the first rule a path breaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../errors.js';
import { checkEntryPath } from './path-safety.js';

/** The rules, spelled out: relative, no NUL, no trailing '/', no empty, '.' or '..' component. */
function ruleBroken(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (path.startsWith('/')) return 'is absolute';
  if (path.includes('\0')) return 'contains a NUL byte';
  if (path.endsWith('/')) return 'ends with "/"';
  for (const c of path.split('/')) {
    if (c === '..') return 'contains ".."';
    if (c === '' || c === '.') return 'has an empty or "." component';
  }
  return undefined;
}

const broken = (path: string): string | undefined => {
  try {
    checkEntryPath(path, 'layer 1');
    return undefined;
  } catch (e) {
    assert.ok(e instanceof AirlockError && e.code === 'unsafe-path', String(e));
    assert.ok(e.message.startsWith(`layer 1: path "${path}" `), e.message);
    return e.message.slice(`layer 1: path "${path}" `.length);
  }
};

test('every path of up to six characters over "a", ".", "/" and NUL: accepted exactly when the rules accept it', () => {
  const alphabet = ['a', '.', '/', '\0'];
  let paths = [''];
  let checked = 0;
  for (let len = 0; len <= 6; len++) {
    for (const p of paths) {
      assert.equal(broken(p), ruleBroken(p), JSON.stringify(p));
      checked++;
    }
    paths = paths.flatMap((p) => alphabet.map((c) => p + c));
  }
  assert.equal(checked, (4 ** 7 - 1) / 3);
});

test('ordinary paths pass; dotfiles and names with dots are not "." or ".."', () => {
  for (const p of ['usr/bin/env', '.wh..wh..opq', 'a/.hidden', 'a/..b', 'a/b..', 'etc/...', 'x']) assert.equal(broken(p), undefined, p);
  for (const p of ['a/../b', './a', 'a/.', 'a//b', '/a', 'a/']) assert.notEqual(broken(p), undefined, p);
});

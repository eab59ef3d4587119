import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pinnedVersion } from './version-files.js';

const pin = (language: string, files: Record<string, string>) =>
  pinnedVersion(language, new Map(Object.entries(files)));

test('pin files as version managers write them: the version airlock takes, and the file', () => {
  const python: [string, string][] = [['3.11\n', '3.11'], ['3.11.4', '3.11'], ['# pinned\n\ncpython-3.12.1\n', '3.12']];
  for (const [text, value] of python) {
    assert.deepEqual(pin('python', { '.python-version': text }), { value, from: '.python-version' }, text);
  }
  const java: [string, string][] = [
    ['17', '17'], ['17.0.9', '17'], ['openjdk64-17.0.9', '17'], ['1.8', '8'], ['11.0.2', '11'],
  ];
  for (const [text, value] of java) {
    assert.deepEqual(pin('java', { '.java-version': text }), { value, from: '.java-version' }, text);
  }
  assert.deepEqual(pin('node', { '.nvmrc': 'v18.19.0\n' }), { value: '18', from: '.nvmrc' });
  assert.deepEqual(pin('node', { '.node-version': '20' }), { value: '20', from: '.node-version' });
});

test('what names no version airlock can take reads as no pin', () => {
  assert.equal(pin('python', { '.python-version': 'pypy3.9-7.3.9\n3.11\n' }), undefined, 'the first line decides');
  assert.equal(pin('python', { '.python-version': 'system' }), undefined);
  assert.equal(pin('node', { '.nvmrc': 'lts/hydrogen' }), undefined);
  assert.deepEqual(pin('node', { '.nvmrc': 'node', '.node-version': '18' }), { value: '18', from: '.node-version' });
  assert.equal(pin('go', { '.python-version': '3.11' }), undefined, 'go states its version in go.mod');
  assert.equal(pin('python', {}), undefined);
});

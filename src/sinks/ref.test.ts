// Reference parsing: the three transports, tags, digests, and clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRef, parseRef } from './ref.js';

const D = `sha256:${'a'.repeat(64)}`;

test('parses oci, docker-archive and registry references', () => {
  assert.deepEqual(parseRef('oci:out/layout:prod'), { kind: 'oci', dir: 'out/layout', tag: 'prod' });
  assert.deepEqual(parseRef('oci:out/layout'), { kind: 'oci', dir: 'out/layout' });
  assert.deepEqual(parseRef('oci:/abs/dir:x/y:v1'), { kind: 'oci', dir: '/abs/dir:x/y', tag: 'v1' });
  assert.deepEqual(parseRef('oci:/abs/dir:x/y'), { kind: 'oci', dir: '/abs/dir:x/y' });
  assert.deepEqual(parseRef('docker-archive:/tmp/a.tar'), { kind: 'docker-archive', file: '/tmp/a.tar' });
  assert.deepEqual(parseRef('docker://127.0.0.1:5000/demo/app:v1'), { kind: 'registry', host: '127.0.0.1:5000', repo: 'demo/app', tag: 'v1' });
  assert.deepEqual(parseRef(`docker://localhost:5000/app@${D}`), { kind: 'registry', host: 'localhost:5000', repo: 'app', digest: D });
  assert.deepEqual(parseRef(`docker://h/a/b:t@${D}`), { kind: 'registry', host: 'h', repo: 'a/b', tag: 't', digest: D });
  for (const s of ['oci:d:t', 'docker-archive:x.tar', 'docker://127.0.0.1:5000/demo/app:v1', `docker://h/a@${D}`]) assert.equal(formatRef(parseRef(s)), s);
});

test('bad references are usage errors that say what is wrong', () => {
  assert.throws(() => parseRef('ftp://x'), /unsupported image reference \(unknown transport\)/);
  assert.throws(() => parseRef('out/layout'), /unsupported image reference/);
  assert.throws(() => parseRef('docker://app:v1'), /needs a host and a repository/);
  assert.throws(() => parseRef('docker://127.0.0.1:5000/Demo/App'), /not a valid repository name/);
  assert.throws(() => parseRef('docker://127.0.0.1:5000/demo:bad tag'), /not a valid tag/);
  assert.throws(() => parseRef('docker://127.0.0.1:5000/demo@sha256:xyz'), /not a sha256 digest/);
  assert.throws(() => parseRef('oci:'), /missing directory/);
  assert.throws(() => parseRef('oci:dir:'), /empty tag/);
});

test('with a cwd, relative paths are taken from there; registry references stay as they are', () => {
  assert.deepEqual(parseRef('oci:out/layout:prod', '/work'), { kind: 'oci', dir: '/work/out/layout', tag: 'prod' });
  assert.deepEqual(parseRef('oci:/abs/layout', '/work'), { kind: 'oci', dir: '/abs/layout' });
  assert.deepEqual(parseRef('docker-archive:../a.tar', '/work/x'), { kind: 'docker-archive', file: '/work/a.tar' });
  assert.deepEqual(parseRef('docker://h:5000/a:v1', '/work'), parseRef('docker://h:5000/a:v1'));
});

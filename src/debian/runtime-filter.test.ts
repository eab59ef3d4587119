import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepRuntimePath, usrMerged } from './runtime-filter.js';
import { canonicalPath } from './owner.js';

test('merged-usr mapping', () => {
  assert.equal(usrMerged('lib/x86_64-linux-gnu/libc.so.6'), 'usr/lib/x86_64-linux-gnu/libc.so.6');
  assert.equal(usrMerged('lib64/ld-linux-x86-64.so.2'), 'usr/lib64/ld-linux-x86-64.so.2');
  assert.equal(usrMerged('bin'), 'usr/bin');
  assert.equal(usrMerged('library/x'), 'library/x');
  assert.equal(usrMerged('etc/passwd'), 'etc/passwd');
  assert.equal(canonicalPath('/lib/x/y.so/'), 'usr/lib/x/y.so');
});

test('drops docs, man, info, locales and lintian; keeps copyright files', () => {
  assert.equal(keepRuntimePath('usr/share/doc/libc6/copyright', 'file'), true);
  assert.equal(keepRuntimePath('usr/share/doc/libc6', 'dir'), true);
  assert.equal(keepRuntimePath('usr/share/doc/libc6-dev', 'symlink'), true);
  assert.equal(keepRuntimePath('usr/share/doc/libc6/changelog.Debian.gz', 'file'), false);
  assert.equal(keepRuntimePath('usr/share/doc/libc6/examples/copyright', 'file'), false);
  assert.equal(keepRuntimePath('usr/share/man/man1/ls.1.gz', 'file'), false);
  assert.equal(keepRuntimePath('usr/share/man', 'dir'), false);
  assert.equal(keepRuntimePath('usr/share/info/libc.info.gz', 'file'), false);
  assert.equal(keepRuntimePath('usr/share/locale/de/LC_MESSAGES/libc.mo', 'file'), false);
  assert.equal(keepRuntimePath('usr/share/lintian/overrides/libc6', 'file'), false);
  assert.equal(keepRuntimePath('usr/lib/x86_64-linux-gnu/libc.so.6', 'file'), true);
  assert.equal(keepRuntimePath('usr/share/zoneinfo/UTC', 'file'), true);
});

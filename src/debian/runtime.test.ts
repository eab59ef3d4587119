// runtimeEntries on small real .debs (made with dpkg-deb): the CA bundle replaces ca-certificates' own files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { debPath } from './cache.js';
import { runtimeEntries } from './runtime.js';
import type { LockedPackage } from './types.js';
import type { FileEntry } from '../image/entry.js';
import { tinyDeb } from '../../test/helpers/tiny-deb.js';

async function content(e: FileEntry | undefined): Promise<string> {
  assert.ok(e?.open, 'a file with content');
  const parts: Uint8Array[] = [];
  for await (const c of e.open()) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

/** Builds a .deb from `files` (path → text) with dpkg-deb and puts it in the cache; returns its lock record. */
async function deb(work: string, cache: string, name: string, files: Record<string, string>, arch = 'all'): Promise<LockedPackage> {
  const d = tinyDeb(work, name, { Package: name, Version: '1', Architecture: arch }, files);
  mkdirSync(dirname(debPath(cache, d.sha256)), { recursive: true });
  copyFileSync(d.path, debPath(cache, d.sha256));
  return { name, version: '1', architecture: arch, source: name, size: d.size, sha256: d.sha256, filename: `pool/${name}.deb`, repository: 0, depends: [] };
}

test('ca-certificates gives prod the bundle (with other packages\' certificates), not its files; libssl gets its default links', async () => {
  const work = mkdtempSync(join(tmpdir(), 'airlock-runtime-'));
  try {
    const cache = join(work, 'cache');
    const ca = await deb(work, cache, 'ca-certificates', {
      'usr/share/ca-certificates/mozilla/B_Root.crt': 'B\n',
      'usr/share/ca-certificates/mozilla/A_Root.crt': 'A',
      'usr/sbin/update-ca-certificates': '#!/bin/sh\n',
      'usr/share/doc/ca-certificates/copyright': 'MPL-2.0\n',
    });
    const extra = await deb(work, cache, 'zz-corp-ca', {
      'usr/share/ca-certificates/corp/C_Root.crt': 'C\n',
      'etc/ssl/certs/ca-certificates.crt': 'a stale packaged bundle\n',
    });
    const ssl = await deb(work, cache, 'libssl3', { 'usr/lib/x86_64-linux-gnu/libssl.so.3': 'elf' }, 'amd64');
    const osRelease = { osRelease: 'ID=debian\n', debianVersion: '12.0\n' };

    const withSsl = await runtimeEntries([ssl, extra, ca], { cache, osRelease });
    const byPath = new Map(withSsl.map((e) => [e.path, e]));
    assert.equal(await content(byPath.get('etc/ssl/certs/ca-certificates.crt')), 'C\nA\nB\n', 'all packages\' certificates in path order (corp/ before mozilla/), newline-terminated, written last');
    assert.ok(!byPath.has('usr/share/ca-certificates/mozilla/A_Root.crt') && !byPath.has('usr/sbin/update-ca-certificates'));
    assert.ok(!byPath.has('usr/sbin'), 'no empty directory left by the script');
    assert.ok(byPath.has('usr/share/ca-certificates/corp/C_Root.crt'), 'another package keeps its files');
    assert.equal(await content(byPath.get('var/lib/dpkg/status.d/ca-certificates.md5sums')), `${createHash('md5').update('MPL-2.0\n').digest('hex')}  usr/share/doc/ca-certificates/copyright\n`);
    assert.equal(byPath.get('usr/lib/ssl/cert.pem')?.linkname, '/etc/ssl/certs/ca-certificates.crt');
    assert.equal(byPath.get('usr/lib/ssl/certs')?.linkname, '/etc/ssl/certs');

    const noSsl = new Map((await runtimeEntries([ca], { cache, osRelease })).map((e) => [e.path, e]));
    assert.equal(await content(noSsl.get('etc/ssl/certs/ca-certificates.crt')), 'A\nB\n');
    assert.ok(!noSsl.has('usr/lib/ssl/cert.pem'), 'no OpenSSL links without libssl');

    const noCa = new Map((await runtimeEntries([extra], { cache, osRelease })).map((e) => [e.path, e]));
    assert.equal(await content(noCa.get('etc/ssl/certs/ca-certificates.crt')), 'a stale packaged bundle\n', 'without ca-certificates nothing is generated');

    const empty = await deb(join(work, 'e'), join(work, 'cache2'), 'ca-certificates', { 'usr/share/doc/ca-certificates/copyright': 'x\n' });
    const none = new Map((await runtimeEntries([empty], { cache: join(work, 'cache2'), osRelease })).map((e) => [e.path, e]));
    assert.equal(none.get('etc/ssl/certs')?.type, 'dir', 'the certificate directory exists even with no certificates');
    assert.ok(!none.has('etc/ssl/certs/ca-certificates.crt'));
  } finally { rmSync(work, { recursive: true, force: true }); }
});


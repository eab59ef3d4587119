import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caBundleBytes, caToolingPath, isCaCertificate } from './ca-bundle.js';

test('the bundle concatenates the certificates in path order, each ending in a newline', () => {
  const b = caBundleBytes([
    { path: 'usr/share/ca-certificates/mozilla/B.crt', data: Buffer.from('-----B-----\n') },
    { path: 'usr/share/ca-certificates/mozilla/A.crt', data: Buffer.from('-----A-----') },
  ]);
  assert.equal(b?.toString(), '-----A-----\n-----B-----\n');
  assert.equal(caBundleBytes([]), undefined);
});

test('only the certificates and update-ca-certificates are replaced by the bundle; the copyright stays', () => {
  assert.ok(isCaCertificate('usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt'));
  assert.ok(!isCaCertificate('usr/share/doc/ca-certificates/examples/ca-certificates-local/local/Local_Root_CA.crt'));
  for (const p of ['usr/sbin/update-ca-certificates', 'usr/share/ca-certificates', 'etc/ca-certificates/update.d']) assert.ok(caToolingPath(p), p);
  for (const p of ['usr/share/doc/ca-certificates/copyright', 'etc/ssl/certs', 'usr/sbin/other']) assert.ok(!caToolingPath(p), p);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEnvelope, pae, signEnvelope } from './dsse.js';
import { generateKeyPair, loadPrivateKey, loadPublicKey, signBytes, verifyBytes } from './keys.js';
import { parseSimpleSigning, simpleSigningPayload } from './simple-signing.js';

test('PAE matches the DSSE test vector', () => {
  assert.equal(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString(), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  // lengths are bytes, not characters
  assert.equal(pae('t', Buffer.from('é')).toString(), 'DSSEv1 1 t 2 é');
});

test('keys: encrypted private key needs its passphrase; signatures verify with openssl', () => {
  const kp = generateKeyPair('s3cret');
  assert.match(kp.privateKey, /BEGIN ENCRYPTED PRIVATE KEY/);
  assert.match(kp.publicKey, /BEGIN PUBLIC KEY/);
  assert.throws(() => loadPrivateKey(kp.privateKey, 'k.key'), /encrypted/);
  assert.throws(() => loadPrivateKey(kp.privateKey, 'k.key', 'wrong'), /wrong passphrase/);
  const key = loadPrivateKey(kp.privateKey, 'k.key', 's3cret');
  const pub = loadPublicKey(kp.publicKey, 'k.pub');
  const payload = simpleSigningPayload('127.0.0.1:5000/demo/app', 'sha256:' + 'ab'.repeat(32));
  const sig = signBytes(key, payload);
  assert.ok(verifyBytes(pub, payload, sig));
  assert.ok(!verifyBytes(pub, Buffer.concat([payload, Buffer.from(' ')]), sig));
  const dir = mkdtempSync(join(tmpdir(), 'airlock-sig-'));
  writeFileSync(join(dir, 'pub.pem'), kp.publicKey);
  writeFileSync(join(dir, 'payload'), payload);
  writeFileSync(join(dir, 'sig.der'), sig);
  const out = execFileSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig.der'), join(dir, 'payload')]).toString();
  assert.match(out, /Verified OK/);
  const claim = parseSimpleSigning(payload);
  assert.equal(claim.critical.type, 'cosign container image signature');
  assert.equal(claim.critical.image['docker-manifest-digest'], 'sha256:' + 'ab'.repeat(32));
  assert.equal(claim.critical.identity['docker-reference'], '127.0.0.1:5000/demo/app');
});

test('DSSE envelope: signature over the PAE verifies with openssl and fails with another key', () => {
  const kp = generateKeyPair();
  const other = generateKeyPair();
  const key = loadPrivateKey(kp.privateKey, 'k');
  const body = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
  const env = signEnvelope(body, key);
  assert.equal(env.payloadType, 'application/vnd.in-toto+json');
  assert.equal(Buffer.from(env.payload, 'base64').toString(), body.toString());
  assert.ok(openEnvelope(env, loadPublicKey(kp.publicKey, 'p'))?.equals(body));
  assert.equal(openEnvelope(env, loadPublicKey(other.publicKey, 'o')), undefined);
  const dir = mkdtempSync(join(tmpdir(), 'airlock-dsse-'));
  writeFileSync(join(dir, 'pub.pem'), kp.publicKey);
  writeFileSync(join(dir, 'pae'), pae(env.payloadType, body));
  writeFileSync(join(dir, 'sig'), Buffer.from(env.signatures[0]!.sig, 'base64'));
  const out = execFileSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig'), join(dir, 'pae')]).toString();
  assert.match(out, /Verified OK/);
});

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifiedRecordPath, verifyOnce, verifyOnceWithFacts } from './verify-once.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function counter() {
  let calls = 0;
  return {
    get calls() { return calls; },
    hash: async (p: string) => { calls++; return sha(readFileSync(p)); },
  };
}

/** Files change on a clock tick; a record made in the tick of the entry's last change is not kept (racy). */
const nextTick = () => sleep(30);

const made: string[] = [];
after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

/** A read-only entry as the stores write it, with a whole-second mtime (so the test can put it back exactly). */
async function entry(data: Buffer) {
  const root = mkdtempSync(join(tmpdir(), 'airlock-verify-'));
  made.push(root);
  const dir = join(root, 'sha256');
  mkdirSync(dir);
  const path = join(dir, sha(data));
  writeFileSync(path, data, { mode: 0o444 });
  utimesSync(path, 1_700_000_000, 1_700_000_000);
  await nextTick();
  return path;
}

test('an unchanged entry is hashed once; later uses trust its recorded stat identity', async () => {
  const data = Buffer.from('some package bytes');
  const path = await entry(data);
  const h = counter();
  const opts = { algorithm: 'sha256', hex: sha(data), size: data.length, hash: h.hash };
  assert.equal(await verifyOnce(path, opts), 'ok');
  assert.equal(h.calls, 1);
  assert.ok(existsSync(verifiedRecordPath(path)), 'the verification is recorded beside the store');
  for (let i = 0; i < 3; i++) assert.equal(await verifyOnce(path, opts), 'ok');
  assert.equal(h.calls, 1, 'not hashed again');
});

test('an entry changed in place with its size and mtime restored is noticed by its ctime and hashed again', async () => {
  const data = Buffer.from('original bytes!');
  const path = await entry(data);
  const h = counter();
  const opts = { algorithm: 'sha256', hex: sha(data), size: data.length, hash: h.hash };
  assert.equal(await verifyOnce(path, opts), 'ok');
  chmodSync(path, 0o644);
  writeFileSync(path, Buffer.from('tampered bytes!'));
  chmodSync(path, 0o444);
  utimesSync(path, 1_700_000_000, 1_700_000_000);
  assert.equal(statSync(path).size, data.length);
  assert.equal(statSync(path).mtimeMs, 1_700_000_000_000);
  assert.equal(await verifyOnce(path, opts), 'corrupt');
  assert.equal(h.calls, 2, 'hashed again');
  assert.equal(existsSync(path), false, 'the corrupt entry is deleted');
  assert.equal(existsSync(verifiedRecordPath(path)), false, 'and so is its record');
  assert.equal(await verifyOnce(path, opts), 'missing');
});

test('a change that keeps the bytes (a chmod) costs one hash, then the entry is trusted again', async () => {
  const data = Buffer.from('same bytes');
  const path = await entry(data);
  const h = counter();
  const opts = { algorithm: 'sha256', hex: sha(data), hash: h.hash };
  await verifyOnce(path, opts);
  chmodSync(path, 0o400);
  await nextTick();
  assert.equal(await verifyOnce(path, opts), 'ok');
  assert.equal(await verifyOnce(path, opts), 'ok');
  assert.equal(h.calls, 2);
  // Another expected digest is never answered from the record.
  assert.equal(await verifyOnce(path, { ...opts, hex: 'a'.repeat(64) }), 'corrupt');
});

test('a wrong size is corrupt without hashing', async () => {
  const data = Buffer.from('twelve bytes');
  const path = await entry(data);
  const h = counter();
  assert.equal(await verifyOnce(path, { algorithm: 'sha256', hex: sha(data), size: 11, hash: h.hash }), 'corrupt');
  assert.equal(h.calls, 0);
  assert.equal(existsSync(path), false);
});

test('facts read from the verified bytes are kept with the witness, read once, and read again after a change', async () => {
  const data = Buffer.from('package with control fields');
  const path = await entry(data);
  const h = counter();
  let reads = 0;
  const read = async (p: string) => { reads++; return { first: readFileSync(p, 'utf8').split(' ')[0] }; };
  const opts = { algorithm: 'sha256', hex: sha(data), size: data.length, hash: h.hash };
  assert.deepEqual(await verifyOnceWithFacts(path, opts, read), { verdict: 'ok', facts: { first: 'package' } });
  for (let i = 0; i < 3; i++) assert.deepEqual((await verifyOnceWithFacts(path, opts, read)).facts, { first: 'package' });
  assert.deepEqual([h.calls, reads], [1, 1], 'hashed and read once');
  // A record written before facts were asked for gets them without hashing again.
  const other = await entry(Buffer.from('another entry'));
  const o = { ...opts, hex: sha(Buffer.from('another entry')), size: 13 };
  assert.equal(await verifyOnce(other, o), 'ok');
  assert.deepEqual((await verifyOnceWithFacts(other, o, read)).facts, { first: 'another' });
  assert.deepEqual([h.calls, reads], [2, 2]);
  chmodSync(path, 0o444); // a new ctime: hashed and read again
  await nextTick();
  assert.equal((await verifyOnceWithFacts(path, opts, read)).verdict, 'ok');
  assert.deepEqual([h.calls, reads], [3, 3]);
});

test('restampLinked: a hard link made and removed again keeps the entry trusted; a changed file is not', async () => {
  const { restampLinked } = await import('./verify-once.js');
  const { linkSync, unlinkSync } = await import('node:fs');
  const data = Buffer.from('a .deb linked into the rootfs repository');
  const path = await entry(data);
  const c = counter();
  assert.equal(await verifyOnce(path, { algorithm: 'sha256', hex: sha(data), hash: c.hash }), 'ok');
  await nextTick();
  linkSync(path, `${path}.link`);
  unlinkSync(`${path}.link`);
  await nextTick();
  await restampLinked(path);
  await nextTick();
  assert.equal(await verifyOnce(path, { algorithm: 'sha256', hex: sha(data), hash: c.hash }), 'ok');
  assert.equal(c.calls, 1, 'not hashed again after the link');
  // A write (a new mtime) is not a link: the record does not follow it, and the next use hashes.
  chmodSync(path, 0o644);
  writeFileSync(path, 'tampered bytes, same length as before!!!');
  await nextTick();
  await restampLinked(path);
  assert.equal(await verifyOnce(path, { algorithm: 'sha256', hex: sha(data), hash: c.hash }), 'corrupt');
  assert.equal(c.calls, 2);
});

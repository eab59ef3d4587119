import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCache } from './verify.js';

const sha = (alg: string, s: string) => createHash(alg).update(s).digest('hex');

function put(dir: string, parts: string[], body: string): string {
  const p = join(dir, ...parts);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, body);
  return p;
}

test('verify hashes every content entry, parses every record, and removes what fails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-verify-'));
  try {
    const good = put(dir, ['blobs', 'blobs', 'sha256', sha('sha256', 'layer')], 'layer');
    const torn = put(dir, ['cas', 'sha256', sha('sha256', 'whole file')], 'whole f');
    const npm = put(dir, ['npm', 'sha512', sha('sha512', 'tgz')], 'tgz');
    const tornRecord = put(dir, ['cas', 'verified', `${sha('sha256', 'whole file')}.json`], '{}');
    const record = put(dir, ['layers', 'k.json'], '{"digest":"x"}');
    const half = put(dir, ['steps', 'k.json'], '{"digest":');
    const temp = put(dir, ['blobs', '.blob.tmp-1-abcdefabcdef'], 'partial');
    const tar = put(dir, ['rootfs', `${'a'.repeat(32)}.tar`], 'tar bytes');
    put(dir, ['rootfs', `${'a'.repeat(32)}.tar.sha256`], `sha256:${sha('sha256', 'other bytes')}\n`);

    const dry = await verifyCache(dir, { dryRun: true });
    assert.deepEqual(dry.bad.map((b) => b.kind).sort(), ['cas', 'rootfs', 'steps']);
    assert.ok(existsSync(torn) && existsSync(half), 'a dry run removes nothing');

    const r = await verifyCache(dir, { dryRun: false });
    assert.equal(r.bad.length, 3);
    assert.equal(r.checked, 6); // the torn entry's verified record went with it
    for (const p of [torn, tornRecord, half, tar]) assert.ok(!existsSync(p), `${p} removed`);
    for (const p of [good, npm, record, temp]) assert.ok(existsSync(p), `${p} kept`);
    assert.deepEqual((await verifyCache(dir, { dryRun: false })).bad, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

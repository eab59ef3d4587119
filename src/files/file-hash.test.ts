// hashFile: the same digest as hashing the bytes at once, for an empty file, a small one and one of several chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFile } from './file-hash.js';

test('hashFile gives the digest of the whole file at every size', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-hash-'));
  try {
    const sizes = [0, 1, 4095, 1024 * 1024 - 1, 1024 * 1024, 2.5 * 1024 * 1024 + 3];
    for (const size of sizes) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
      const p = join(dir, `f${size}`);
      writeFileSync(p, bytes);
      assert.equal(await hashFile(p), createHash('sha256').update(bytes).digest('hex'), `${size} bytes`);
      assert.equal(await hashFile(p, 'sha512'), createHash('sha512').update(bytes).digest('hex'), `${size} bytes, sha512`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// airlock's code identity: a digest of the modules and assets, kept in the cache by the files' stat stamps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeIdentity } from './version.js';
import { hostArchitecture } from './host.js';
import { spawnSync } from 'node:child_process';

test('the identity is kept by stamps: a kept one is used while no file changed, and any change hashes again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-identity-'));
  try {
    const root = join(dir, 'pkg', 'dist');
    const assets = join(dir, 'pkg', 'assets');
    mkdirSync(join(root, 'cli'), { recursive: true });
    mkdirSync(assets, { recursive: true });
    writeFileSync(join(root, 'cli', 'main.js'), 'console.log(1)\n');
    writeFileSync(join(root, 'cli', 'main.test.js'), 'a test is not code that runs\n');
    writeFileSync(join(assets, 'probe.sh'), 'echo probe\n');
    const cache = join(dir, 'cache');
    const plain = codeIdentity(root, assets);
    assert.match(plain, /^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
    // Files changed a moment ago are racy: nothing is kept yet.
    assert.equal(codeIdentity(root, assets, cache), plain, 'the same digest with a cache');
    assert.ok(!existsSync(join(cache, 'flags', 'identity')), 'not kept while a file is newer than 2 s');
    const later = Date.now() + 5000;
    assert.equal(codeIdentity(root, assets, cache, later), plain);
    const kept = join(cache, 'flags', 'identity');
    const record = JSON.parse(readFileSync(kept, 'utf8'));
    assert.equal(record.identity, plain);
    // The record is what a second run reads (a planted value shows it), until a file changes.
    const planted = plain.replace(/[0-9a-f]{12}$/, '0123456789ab');
    writeFileSync(kept, JSON.stringify({ ...record, identity: planted }));
    assert.equal(codeIdentity(root, assets, cache, later), planted);
    writeFileSync(join(assets, 'probe.sh'), 'echo changed\n');
    const changed = codeIdentity(root, assets, cache, Date.now() + 5000);
    assert.notEqual(changed, planted);
    assert.notEqual(changed, plain);
    assert.equal(changed, codeIdentity(root, assets), 'recomputed, not read');
    assert.equal(JSON.parse(readFileSync(kept, 'utf8')).identity, changed, 'one record, replaced');
    // A damaged record is not used.
    writeFileSync(kept, 'garbage');
    assert.equal(codeIdentity(root, assets, cache, later), changed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the host architecture is dpkg's answer", { skip: spawnSync('dpkg', ['--version']).status !== 0 && 'no dpkg here' }, () => {
  assert.equal(hostArchitecture(), spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).stdout.trim());
});

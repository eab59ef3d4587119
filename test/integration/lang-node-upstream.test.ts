// End to end: examples/node-web asking for Node.js 20, which Debian 12 lacks (it has 18): the official build comes
// from the npm registry (node-linux-<arch>, with the newest npm that runs on it), locked with its integrity; prod
// holds that node (unstripped, the bytes the integrity names) and Debian's libstdc++/libgcc/libc, never npm.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';
import { runImage, TEST_IMAGE_TIME_LIMIT } from '../helpers/oci-runtime.js';
import { validateLayout } from '../validate.js';

describe('airlock build examples/node-web with version 20 (from the npm registry)', { timeout: 45 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-node20-out-'));
  const bundle = mkdtempSync(join(tmpdir(), 'airlock-node20-prod-'));
  const rootfs = join(bundle, 'b', 'rootfs');
  let r: CliResult;
  let report: any;
  let lock: any;
  before(async () => {
    dir = await copyExample('node-web');
    const yaml = join(dir, 'airlock.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^version: .*$/m, 'version: "20"'));
    r = await runCli(['build', '-c', yaml, '--out', out]);
    if (r.code === 0) {
      report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      lock = JSON.parse(readFileSync(join(dir, 'airlock.lock.json'), 'utf8'));
      spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-prod`, join(bundle, 'b')]);
    }
  });
  after(() => { for (const d of [dir, out, bundle]) rmSync(d, { recursive: true, force: true }); });

  test('the lock records node-linux-* 20.x and npm with sha512 integrity; Debian\'s nodejs is not locked', () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /Debian 12 has no node 20 \(it has 18\): taking the official build from the npm registry/);
    const node = lock.upstream.find((u: any) => u.role === 'node');
    const npm = lock.upstream.find((u: any) => u.role === 'npm');
    assert.match(node.name, /^node-linux-(x64|arm64|armv7l|ppc64le|s390x)$/);
    assert.match(node.version, /^20\.\d+\.\d+$/);
    assert.equal(npm.name, 'npm');
    for (const u of [node, npm]) assert.match(u.integrity, /^sha512-[A-Za-z0-9+/]{86}==$/);
    const names = lock.sets.builder.map((p: any) => p.name);
    assert.ok(!names.includes('nodejs') && !names.some((n: string) => /^libnode\d+$/.test(n)), 'no Debian node in the builder');
    assert.deepEqual(report.upstream.map((u: any) => u.name).sort(), [node.name, 'npm'].sort());
    // The lock names no registry host: the host's npm configuration says where to fetch from.
    assert.ok(!/https?:/.test(JSON.stringify(lock.upstream)));
  });

  test('prod runs read-only as 65532 on node 20 and answers HTTP', async () => {
    await validateLayout(join(out, 'oci'), 'latest-prod');
    const plain = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(JSON.parse(plain.stdout), { service: 'node-web', path: '/', node: '20', uid: 65532, cacheFor: '2m' });
    const http = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true, args: ['--self-check'] });
    assert.equal(http.code, 0, http.stderr);
    assert.match(http.stdout, /^200 \{"service":"node-web","path":"\/health"/);
  });

  test('prod: the registry\'s node binary byte for byte, its Debian libraries, no npm, no shell', () => {
    const node = lock.upstream.find((u: any) => u.role === 'node');
    const bin = readFileSync(join(rootfs, 'usr/local/bin/node'));
    assert.ok(bin.length > 30_000_000, 'the official node binary');
    // The tarball's integrity covers the .tgz, not the binary: compare with the binary inside the cached tarball.
    const cache = process.env.AIRLOCK_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'airlock');
    const tgz = join(cache, 'npm', 'sha512', Buffer.from(node.integrity.slice(7), 'base64').toString('hex'));
    assert.ok(existsSync(tgz), 'the tarball is in the content-addressed cache');
    const fromTgz = spawnSync('tar', ['-xzOf', tgz, 'package/bin/node'], { maxBuffer: 512 * 1024 * 1024 }).stdout;
    assert.equal(createHash('sha256').update(bin).digest('hex'), createHash('sha256').update(fromTgz).digest('hex'), 'unstripped, identical to the registry\'s');
    assert.ok(existsSync(join(rootfs, 'usr/local/share/doc/node/LICENSE')));
    assert.ok(!existsSync(join(rootfs, 'usr/bin/node')) && !existsSync(join(rootfs, 'usr/local/lib/node_modules')) && !existsSync(join(rootfs, 'usr/local/bin/npm')));
    const pkgs = readdirSync(join(rootfs, 'var/lib/dpkg/status.d')).filter((f) => !f.endsWith('.md5sums')).sort();
    for (const p of ['libc6', 'libgcc-s1', 'libstdc++6']) assert.ok(pkgs.includes(p), `${p} (the ELF closure of node) in ${pkgs.join(' ')}`);
    assert.ok(!pkgs.includes('nodejs') && !pkgs.some((p) => p.startsWith('libnode')));
    assert.deepEqual(report.variants.prod.shells, []);
    assert.deepEqual(report.variants.prod.packageManagers, []);
    assert.ok(!existsSync(join(rootfs, 'app/node_modules/is-number')), 'the devDependency is absent');
    const cfg = JSON.parse(readFileSync(join(bundle, 'b', 'config.json'), 'utf8'));
    assert.deepEqual(cfg.process.args, ['/usr/local/bin/node', '/app/server.js']);
  });

  test('SBOMs name node (prod) and node + npm (dev) as npm packages with their sha512; provenance lists both', () => {
    const node = lock.upstream.find((u: any) => u.role === 'node');
    const npm = lock.upstream.find((u: any) => u.role === 'npm');
    const hex = (i: string) => Buffer.from(i.slice(7), 'base64').toString('hex');
    const purls = (doc: any) => doc.packages.flatMap((p: any) => (p.externalRefs ?? []).map((e: any) => e.referenceLocator));
    const prod = JSON.parse(readFileSync(join(out, 'evidence', 'prod.spdx.json'), 'utf8'));
    const dev = JSON.parse(readFileSync(join(out, 'evidence', 'dev.spdx.json'), 'utf8'));
    assert.ok(purls(prod).includes(`pkg:npm/${node.name}@${node.version}`));
    assert.ok(!purls(prod).some((p: string) => p.startsWith('pkg:npm/npm@')), 'npm is not in prod');
    assert.ok(purls(dev).includes(`pkg:npm/npm@${npm.version}`));
    const nodePkg = prod.packages.find((p: any) => p.name === node.name);
    assert.deepEqual(nodePkg.checksums, [{ algorithm: 'SHA512', checksumValue: hex(node.integrity) }]);
    const cdx = JSON.parse(readFileSync(join(out, 'evidence', 'prod.cdx.json'), 'utf8'));
    assert.ok(cdx.components.some((c: any) => c.purl === `pkg:npm/${node.name}@${node.version}` && c.hashes.some((h: any) => h.alg === 'SHA-512' && h.content === hex(node.integrity))));
    const prov = JSON.parse(readFileSync(join(out, 'evidence', 'prod.provenance.json'), 'utf8'));
    const deps = prov.predicate.buildDefinition.resolvedDependencies;
    for (const u of [node, npm]) assert.ok(deps.some((d: any) => d.uri === `pkg:npm/${u.name}@${u.version}` && d.digest.sha512 === hex(u.integrity)), `${u.name} in provenance`);
  });

  test('dev has node 20 and npm under /usr/local and a shell; the test image runs npm test', async () => {
    assert.ok(report.variants.dev.shells.length > 0);
    const devBundle = join(bundle, 'dev');
    spawnSync('umoci', ['unpack', '--image', `${join(out, 'oci')}:latest-dev`, devBundle]);
    assert.ok(lstatSync(join(devBundle, 'rootfs/usr/local/bin/npm')).isSymbolicLink());
    assert.ok(existsSync(join(devBundle, 'rootfs/usr/local/lib/node_modules/npm/bin/npm-cli.js')));
    assert.ok(existsSync(join(devBundle, 'rootfs/usr/local/include/node/node.h')), 'headers for native addons');
    rmSync(devBundle, { recursive: true, force: true });
    const t = await runImage(join(out, 'oci'), 'latest-test', { readOnly: false, timeoutMs: TEST_IMAGE_TIME_LIMIT });
    assert.equal(t.code, 0, t.stderr + t.stdout);
    assert.match(t.stdout + t.stderr, /# pass 1/);
  });

  test('an offline --locked rebuild without network, elsewhere, gives the same digests; a tampered cached tarball is refused', async () => {
    const out2 = mkdtempSync(join(tmpdir(), 'airlock-node20-again-'));
    try {
      const again = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(out2, 'o'), '--offline', '--locked'], { prefix: ['unshare', '-n'] });
      assert.equal(again.code, 0, again.stderr.slice(-3000));
      const rep2 = JSON.parse(readFileSync(join(out2, 'o', 'report.json'), 'utf8'));
      for (const v of ['dev', 'prod', 'test']) assert.equal(rep2.variants[v].digest, report.variants[v].digest, v);
      // The cached node tarball corrupted (this file is the only user of it): offline, the build says so, removes
      // it and stops (exit 3) with nothing written; the good bytes are put back afterwards.
      const node = lock.upstream.find((u: any) => u.role === 'node');
      const cache = process.env.AIRLOCK_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'airlock');
      const tgz = join(cache, 'npm', 'sha512', Buffer.from(node.integrity.slice(7), 'base64').toString('hex'));
      const good = readFileSync(tgz);
      try {
        const bytes = Buffer.from(good);
        bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
        writeFileSync(tgz, bytes);
        const b = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(out2, 'o2'), '--offline', '--locked'], { prefix: ['unshare', '-n'] });
        assert.equal(b.code, 3, b.stderr.slice(-2000));
        assert.match(b.stderr, /does not match its integrity/);
        assert.match(b.stderr, /error\[offline-not-cached\]: --offline: node-linux-\w+@20\.\d+\.\d+ is not in the cache/);
        assert.ok(!existsSync(join(out2, 'o2')), 'nothing written');
        assert.ok(!existsSync(tgz), 'the corrupted tarball was removed, never used');
      } finally {
        writeFileSync(tgz, good);
      }
    } finally {
      rmSync(out2, { recursive: true, force: true });
    }
  });
  test('re-locking: a config change elsewhere keeps the locked node; 20 → 18 goes to Debian\'s nodejs; 18 → 20 back to the registry', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'airlock-node20-relock-'));
    try {
      spawnSync('cp', ['-a', `${dir}/.`, copy]);
      const yaml = join(copy, 'airlock.yaml');
      const lockFile = join(copy, 'airlock.lock.json');
      const before = JSON.parse(readFileSync(lockFile, 'utf8')).upstream;
      writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}packages:\n  - tzdata\n`);
      const stale = await runCli(['lock', '-c', yaml, '--check']);
      assert.equal(stale.code, 3, 'the lock is stale for --check');
      assert.match(stale.stderr, /lock-stale/);
      assert.doesNotMatch(stale.stderr, /nodejs|libnode/, 'the stale report is about the config, not about Debian\'s node');
      const relock = await runCli(['lock', '-c', yaml]);
      assert.equal(relock.code, 0, relock.stderr);
      const after = JSON.parse(readFileSync(lockFile, 'utf8'));
      assert.deepEqual(after.upstream, before, 'node and npm stay as locked');
      assert.ok(after.sets.runtime.some((p: any) => p.name === 'tzdata'));
      writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^version: .*$/m, 'version: "18"'));
      assert.equal((await runCli(['lock', '-c', yaml])).code, 0);
      const deb = JSON.parse(readFileSync(lockFile, 'utf8'));
      assert.equal(deb.upstream, undefined);
      assert.ok(deb.sets.runtime.some((p: any) => p.name === 'nodejs') && deb.sets.builder.some((p: any) => p.name === 'libnode108'));
      writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^version: .*$/m, 'version: "20"'));
      const back = await runCli(['lock', '-c', yaml]);
      assert.equal(back.code, 0, back.stderr);
      assert.match(back.stdout, /from the npm registry: node-linux-\w+@20\./);
      assert.ok(!JSON.parse(readFileSync(lockFile, 'utf8')).sets.builder.some((p: any) => p.name === 'nodejs'));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

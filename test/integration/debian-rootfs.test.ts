// Builder rootfs and runtime extraction from the C lock: configured system, warm reuse, an offline rebuild inside
// `unshare -n` that is byte-identical to the online one, runtime entries and package ownership.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readlinkSync, rmSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builderSetKey, ensureBuilderRootfs } from '../../src/debian/rootfs.js';
import { AirlockError } from '../../src/errors.js';
import { fetchLocked } from '../../src/debian/engine.js';
import { serializeLock } from '../../src/debian/lock.js';
import { sha256File } from '../../src/debian/cache.js';
import { packageOwningPath } from '../../src/debian/owner.js';
import { readOsRelease, runtimeEntries } from '../../src/debian/runtime.js';
import { memoryLog } from '../../src/log.js';
import { cLock, cacheDir } from '../helpers/debian.js';

test('builder rootfs: configured system with /bin/sh and cc, reused warm in seconds; runtime content; owners', async () => {
  const lock = await cLock();
  const t0 = Date.now();
  const r = await ensureBuilderRootfs(lock, { cache: cacheDir, log: memoryLog(), offline: false });
  const first = Date.now() - t0;
  assert.ok(existsSync(r.tar) && existsSync(r.dir));
  assert.equal(readlinkSync(join(r.dir, 'bin')), 'usr/bin', 'merged /usr');
  assert.ok(lstatSync(join(r.dir, 'usr/bin/sh')).isSymbolicLink());
  assert.equal(readlinkSync(join(r.dir, 'etc/alternatives/cc')), '/usr/bin/gcc', 'cc alternative set by maintainer scripts');
  assert.equal(lstatSync(join(r.dir, 'usr/bin/sudo'), { throwIfNoEntry: false }), undefined);
  assert.equal(lstatSync(join(r.dir, 'usr/bin/make')).uid, 0);
  const cc = execFileSync('chroot', [r.dir, '/bin/sh', '-c', 'cc --version && dpkg-query -W -f "\\${Package}\\n" | wc -l'], { encoding: 'utf8' });
  assert.match(cc, /^cc \(Debian 12/);
  assert.equal(Number(cc.trim().split('\n').pop()), lock.sets.builder.length, 'dpkg knows exactly the locked builder set');
  assert.equal(existsSync(join(r.dir, 'etc/apt/sources.list')), false, 'no build-time repository path leaks into the rootfs');

  const t1 = Date.now();
  const again = await ensureBuilderRootfs(lock, { cache: cacheDir, log: memoryLog(), offline: true });
  const warm = Date.now() - t1;
  assert.deepEqual(again, r);
  assert.ok(warm < 5000, `warm ${warm} ms`);
  console.log(`builder rootfs: first call ${first} ms, warm ${warm} ms`);

  assert.equal(packageOwningPath(r.dir, '/lib/x86_64-linux-gnu/libc.so.6'), 'libc6');
  assert.equal(packageOwningPath(r.dir, '/usr/lib/x86_64-linux-gnu/libc.so.6'), 'libc6');
  assert.equal(packageOwningPath(r.dir, '/usr/lib/x86_64-linux-gnu/libssl.so.3'), 'libssl3');
  assert.equal(packageOwningPath(r.dir, 'usr/bin/make'), 'make');
  assert.equal(packageOwningPath(r.dir, '/no/such/file'), undefined);

  const osRelease = await readOsRelease(lock, cacheDir);
  assert.match(osRelease.osRelease, /^ID=debian$/m);
  assert.match(osRelease.debianVersion, /^12\.\d+/);
  const entries = await runtimeEntries(lock.sets.runtime, { cache: cacheDir, osRelease });
  const byPath = new Map(entries.map((e) => [e.path, e]));
  assert.deepEqual(entries.map((e) => e.path), [...entries.map((e) => e.path)].sort());
  assert.equal(byPath.get('lib')?.linkname, 'usr/lib');
  assert.equal(byPath.get('usr/lib/x86_64-linux-gnu/libc.so.6')?.type, 'file');
  assert.ok(byPath.get('usr/lib/x86_64-linux-gnu/libc.so.6')!.size > 1_000_000);
  assert.equal(byPath.get('usr/lib64/ld-linux-x86-64.so.2')?.type, 'symlink');
  assert.ok(byPath.get('usr/share/doc/libc6/copyright')?.type === 'file');
  assert.ok(!entries.some((e) => /^usr\/share\/(man|info|locale|lintian)\//.test(e.path) || /changelog/.test(e.path)));
  assert.ok(!entries.some((e) => /(^|\/)(bin\/(sh|bash|dash)|bin\/dpkg|bin\/apt)$/.test(e.path)), 'no shell or package manager');
  for (const p of lock.sets.runtime) {
    assert.ok(byPath.has(`var/lib/dpkg/status.d/${p.name}`) && byPath.has(`var/lib/dpkg/status.d/${p.name}.md5sums`), p.name);
  }
  const read = async (path: string) => { let s = ''; for await (const c of byPath.get(path)!.open!()) s += Buffer.from(c).toString(); return s; };
  const status = await read('var/lib/dpkg/status.d/libssl3');
  assert.match(status, /^Package: libssl3\n/);
  assert.match(status, new RegExp(`^Version: ${lock.sets.runtime.find((p) => p.name === 'libssl3')!.version.replace(/[+.]/g, '\\$&')}$`, 'm'));
  assert.match(await read('var/lib/dpkg/status.d/libssl3.md5sums'), /^[0-9a-f]{32} {2}usr\/lib\/x86_64-linux-gnu\/libssl\.so\.3$/m);
  assert.equal(await read('etc/debian_version'), osRelease.debianVersion);
  const ld = byPath.get('usr/lib64/ld-linux-x86-64.so.2')!;
  assert.equal(byPath.get(ld.linkname!.replace(/^\/lib\//, 'usr/lib/'))?.type, 'file', 'the loader symlink resolves through the merged /lib');
});

/** Where two rootfs tars differ: `tar -tv` lines only one has, then files whose contents differ (first 40 lines). */
function tarDifferences(a: string, b: string, scratch: string): string {
  const listing = (t: string) => new Set(
    execFileSync('tar', ['--full-time', '--numeric-owner', '-tvf', t], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n'));
  const [la, lb] = [listing(a), listing(b)];
  const lines = [...[...la].filter((l) => !lb.has(l)).map((l) => `- ${l}`), ...[...lb].filter((l) => !la.has(l)).map((l) => `+ ${l}`)];
  const dirs = [join(scratch, 'diff-a'), join(scratch, 'diff-b')];
  for (const [i, t] of [a, b].entries()) {
    mkdirSync(dirs[i]!, { recursive: true });
    execFileSync('tar', ['--numeric-owner', '-xf', t, '-C', dirs[i]!]);
  }
  const diff = spawnSync('diff', ['-rq', '--no-dereference', ...dirs], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return [...lines, ...diff.stdout.split('\n')].filter(Boolean).slice(0, 40).join('\n');
}

test('offline inside `unshare -n`: lock, fetch and a fresh rootfs build from the cache; the tar is byte-identical', async () => {
  const lock = await cLock();
  await fetchLocked(lock, { cache: cacheDir, log: memoryLog(), offline: false });
  const online = await ensureBuilderRootfs(lock, { cache: cacheDir, log: memoryLog(), offline: false });
  const onlineSha = await sha256File(online.tar);

  const cache = mkdtempSync(join(tmpdir(), 'airlock-offline-'));
  try {
    mkdirSync(join(cache, 'debs'), { recursive: true });
    execFileSync('cp', ['-al', join(cacheDir, 'debs', 'sha256'), join(cache, 'debs', 'sha256')]);
    execFileSync('cp', ['-a', join(cacheDir, 'apt'), join(cache, 'apt')]);
    const script = `import('${join(process.cwd(), 'test/helpers/debian.ts')}').then((m) => m.offlineChild(${JSON.stringify(cache)}))`;
    const r = spawnSync('unshare', ['-n', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(out.network, false, 'no network inside the namespace');
    assert.equal(out.lock, serializeLock(lock), 'the offline lock equals the online one');
    assert.equal(out.key, online.key);
    if (out.tarSha !== onlineSha) {
      // Say what differs (this has been seen once, under heavy load): member metadata, then contents.
      const offlineTar = join(cache, 'rootfs', `${out.key}.tar`);
      assert.fail(`two rootfs builds from one lock differ:\n${tarDifferences(online.tar, offlineTar, cache)}`);
    }
    assert.deepEqual(readdirSync(join(cache, 'rootfs')).sort(), [online.key, `${online.key}.tar`], 'only the finished tar and tree');
    console.log(`offline cold rootfs build: ${out.ms} ms; tar ${statSync(online.tar).size} bytes sha256 ${onlineSha}`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('a builder set mmdebstrap cannot install fails with rootfs-failed and leaves nothing in the rootfs cache', async () => {
  const lock = await cLock();
  const broken = { ...lock, sets: { ...lock.sets, builder: lock.sets.builder.filter((p) => p.name !== 'libc6') } };
  const key = builderSetKey(broken);
  await assert.rejects(ensureBuilderRootfs(broken, { cache: cacheDir, log: memoryLog(), offline: true }), (e) =>
    e instanceof AirlockError && e.code === 'rootfs-failed' && e.exitCode === 3 && /mmdebstrap failed/.test(e.message));
  assert.deepEqual(readdirSync(join(cacheDir, 'rootfs')).filter((f) => f.startsWith(key)), []);
});

test('runtime status.d stanzas parse with dpkg-query and the md5sums check out with md5sum -c', async () => {
  const lock = await cLock();
  await fetchLocked(lock, { cache: cacheDir, log: memoryLog(), offline: false });
  const entries = await runtimeEntries(lock.sets.runtime, { cache: cacheDir, osRelease: await readOsRelease(lock, cacheDir) });
  const dir = mkdtempSync(join(tmpdir(), 'airlock-runtime-'));
  try {
    for (const e of entries) {
      const p = join(dir, e.path);
      if (e.type === 'dir') mkdirSync(p, { recursive: true });
      else if (e.type === 'symlink') symlinkSync(e.linkname!, p);
      else if (e.type === 'file') {
        const chunks: Buffer[] = [];
        for await (const c of e.open!()) chunks.push(Buffer.from(c));
        writeFileSync(p, Buffer.concat(chunks));
      }
    }
    const statusD = join(dir, 'var/lib/dpkg/status.d');
    const stanzas = readdirSync(statusD).filter((f) => !f.endsWith('.md5sums')).sort().map((f) => readFileSync(join(statusD, f), 'utf8'));
    const admin = join(dir, 'admin');
    mkdirSync(join(admin, 'updates'), { recursive: true });
    writeFileSync(join(admin, 'status'), stanzas.join('\n'));
    writeFileSync(join(admin, 'available'), '');
    const q = execFileSync('dpkg-query', [`--admindir=${admin}`, '-W', '-f', '${Package} ${Version} ${db:Status-Abbrev}\n'], { encoding: 'utf8' });
    assert.deepEqual(q.trim().split('\n').map((l) => l.trim()), lock.sets.runtime.map((p) => `${p.name} ${p.version} ii`));
    for (const p of lock.sets.runtime) {
      const sums = join(statusD, `${p.name}.md5sums`);
      if (readFileSync(sums, 'utf8') === '') continue;
      execFileSync('md5sum', ['--check', '--quiet', sums], { cwd: dir });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

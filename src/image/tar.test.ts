// Tar writer/reader: determinism, round trips, path safety (fast-check), PAX, limits, and GNU tar agreement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { FileEntry } from './entry.js';
import { writeTar } from './tar-write.js';
import { readTar, listTar } from './tar-read.js';
import { collect, bytesStream } from './blob-store.js';
import { encodeHeader } from './tar-header.js';
import { AirlockError } from '../errors.js';

const EPOCH = 1700000000;
const file = (path: string, text: string, extra: Partial<FileEntry> = {}): FileEntry => {
  const b = Buffer.from(text);
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: b.length, open: async function* () { yield b; }, ...extra };
};
const tarBytes = (entries: FileEntry[], opts = {}) => collect(writeTar(entries, EPOCH, opts).stream, 1 << 30);

// Unique relative paths built from short components (some long, some non-ASCII).
const component = fc.oneof(fc.stringMatching(/^[a-z0-9._-]{1,8}$/), fc.constant('ünï'), fc.constant('x'.repeat(120)))
  .filter((c) => c !== '.' && c !== '..');
const pathArb = fc.array(component, { minLength: 1, maxLength: 4 }).map((c) => c.join('/'));
const entriesArb = fc.uniqueArray(fc.tuple(pathArb, fc.string({ maxLength: 40 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.nat(70000)), { selector: (t) => t[0], minLength: 1, maxLength: 12 })
  .map((xs) => {
    // Drop paths that are prefixes (as directories) of others, so files never contain children.
    const paths = xs.map((x) => x[0]);
    return xs.filter(([p]) => !paths.some((q) => q.startsWith(`${p}/`)));
  });

test('any input order, mtime and owner gives identical bytes (owner forced)', async () => {
  const pair = entriesArb.chain((xs) => fc.tuple(fc.constant(xs), fc.shuffledSubarray(xs, { minLength: xs.length })));
  await fc.assert(fc.asyncProperty(pair, async ([xs, shuffled]) => {
    const a = xs.map(([p, t, mtime, uid]) => file(p, t, { mtime, uid, gid: uid }));
    const b = shuffled.map(([p, t, , uid]) => file(p, t, { mtime: 5, uid: uid + 1, gid: 99 }));
    const owner = { uid: 0, gid: 0 };
    assert.deepEqual(await tarBytes(a, { owner }), await tarBytes(b, { owner }));
  }), { numRuns: 60 });
});

test('tar → entries → tar round-trips byte for byte', async () => {
  await fc.assert(fc.asyncProperty(entriesArb, async (xs) => {
    const entries = xs.map(([p, t, , uid]) => file(p, t, { uid: uid % 3 === 0 ? 65532 : 0 }));
    const first = await tarBytes(entries);
    const again: FileEntry[] = [];
    for await (const { entry, body } of readTar(bytesStream(first))) {
      const data = await collect(body);
      assert.equal(data.length, entry.size);
      assert.equal(entry.mtime, EPOCH);
      again.push({ ...entry, open: async function* () { yield data; } });
    }
    assert.deepEqual(await tarBytes(again), first);
  }), { numRuns: 60 });
});

test('escaping or absolute paths are rejected by the writer', async () => {
  const bad = fc.oneof(
    pathArb.map((p) => `/${p}`), pathArb.map((p) => `${p}/../x`), pathArb.map((p) => `../${p}`), pathArb.map((p) => `${p}/./y`), fc.constant(''),
  );
  fc.assert(fc.property(bad, (p) => {
    assert.throws(() => writeTar([file(p, 'x')], EPOCH), (e: unknown) => e instanceof AirlockError && e.code === 'unsafe-path');
  }), { numRuns: 100 });
});

test('symlinks escaping the root are rejected; absolute targets inside the root are fine', () => {
  const link = (path: string, linkname: string): FileEntry => ({ path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname });
  for (const [p, t] of [['a/b', '../../x'], ['x', '..'], ['a/b/c', '../../../etc/passwd'], ['a', '/../../etc']]) {
    assert.throws(() => writeTar([link(p!, t!)], EPOCH), (e: unknown) => (e as AirlockError).code === 'unsafe-symlink', `${p} -> ${t}`);
  }
  for (const [p, t] of [['bin', 'usr/bin'], ['usr/lib/x', '/usr/lib/y'], ['a/b/c', '../../d'], ['lib64', '/lib/x86_64-linux-gnu/ld.so']]) {
    assert.doesNotThrow(() => writeTar([link(p!, t!)], EPOCH));
  }
  // A path below a symlink would let an extractor write outside the root.
  assert.throws(() => writeTar([link('etc', '/usr/etc'), file('etc/passwd', 'x')], EPOCH), /which is a symlink/);
});

test('duplicates, hardlinks to missing or later entries, and bad modes are rejected', () => {
  const hl = (path: string, linkname: string): FileEntry => ({ path, type: 'hardlink', mode: 0o644, uid: 0, gid: 0, size: 0, linkname });
  assert.throws(() => writeTar([file('a', 'x'), file('a', 'y')], EPOCH), /appears twice/);
  assert.throws(() => writeTar([hl('a', 'b'), file('b', 'x')], EPOCH), /written before it/);
  assert.throws(() => writeTar([hl('a', 'missing')], EPOCH), /written before it/);
  assert.throws(() => writeTar([file('a', 'x', { mode: 0o100644 })], EPOCH), /outside 0\.\.0o7777/);
  assert.doesNotThrow(() => writeTar([file('a', 'x'), hl('b', 'a')], EPOCH));
});

test('parents are inserted as root 0755 dirs before children; setuid/setgid files are reported', async () => {
  const r = writeTar([file('usr/bin/su', 'x', { mode: 0o4755 }), file('usr/bin/wall', 'y', { mode: 0o2755 }), file('z', 'z')], EPOCH);
  assert.deepEqual(r.special, ['usr/bin/su', 'usr/bin/wall']);
  const listed = await listTar(r.stream);
  assert.deepEqual(listed.map((e) => [e.path, e.type, e.mode.toString(8)]), [
    ['usr', 'dir', '755'], ['usr/bin', 'dir', '755'], ['usr/bin/su', 'file', '4755'], ['usr/bin/wall', 'file', '2755'], ['z', 'file', '644'],
  ]);
});

test('a file whose content differs from its declared size fails clearly', async () => {
  await assert.rejects(tarBytes([{ ...file('a', 'hello'), size: 3 }]), /more than/);
  await assert.rejects(tarBytes([{ ...file('a', 'hi'), size: 3 }]), /gave 2 bytes, expected 3/);
});

test('GNU tar reads our PAX/long names and we read GNU tar output (PAX and GNU longname)', async () => {
  const long = `d/${'x'.repeat(150)}/${'y'.repeat(110)}`;
  const ours = await tarBytes([file(long, 'long'), { path: 'l', type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: 'd/'.repeat(60) + 'z' }]);
  const listing = execFileSync('tar', ['-tvf', '-', '--numeric-owner'], { input: ours }).toString();
  assert.match(listing, new RegExp(`${long}\\n`));
  assert.match(listing, /l -> (d\/){60}z/);
  const dir = execFileSync('mktemp', ['-d']).toString().trim();
  execFileSync('sh', ['-c', `mkdir -p "${dir}/src/${'q'.repeat(120)}" && echo hi > "${dir}/src/${'q'.repeat(120)}/${'r'.repeat(120)}" && ln -s "${'q'.repeat(120)}" "${dir}/src/ln"`]);
  for (const format of ['gnu', 'posix']) {
    const gnu = execFileSync('tar', [`--format=${format}`, '-C', `${dir}/src`, '-cf', '-', '.'], { maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'ignore'] });
    const paths = (await listTar(bytesStream(gnu))).map((e) => e.path).sort();
    assert.deepEqual(paths, ['ln', 'q'.repeat(120), `${'q'.repeat(120)}/${'r'.repeat(120)}`], format);
  }
  execFileSync('rm', ['-rf', dir]);
});

test('the reader rejects hostile archives: absolute, "..", escaping links, devices, limits', async () => {
  const raw = (name: string, typeflag = '0', linkname = '') => {
    const h = encodeHeader({ name, mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0, typeflag, linkname });
    return Buffer.concat([h, Buffer.alloc(1024)]);
  };
  await assert.rejects(listTar(bytesStream(raw('/etc/passwd'))), /is absolute/);
  await assert.rejects(listTar(bytesStream(raw('a/../../x'))), /contains "\.\."/);
  await assert.rejects(listTar(bytesStream(raw('l', '2', '../../etc'))), /escapes the image root/);
  await assert.rejects(listTar(bytesStream(raw('dev/null', '3'))), /unsupported entry type/);
  await assert.rejects(listTar(bytesStream(raw('h', '1', 'nothing'))), /not earlier in the archive/);
  const many = await tarBytes(Array.from({ length: 20 }, (_, i) => file(`f${i}`, 'x')));
  await assert.rejects(listTar(bytesStream(many), { limits: { maxEntries: 10, maxBytes: 1e9 } }), /more than 10 entries/);
  await assert.rejects(listTar(bytesStream(many), { limits: { maxEntries: 100, maxBytes: 5 } }), /exceeds 5 bytes/);
  const paxBody = Buffer.from('zz path=x\n');
  const pax = Buffer.concat([encodeHeader({ name: 'PaxHeader', mode: 0o644, uid: 0, gid: 0, size: paxBody.length, mtime: 0, typeflag: 'x' }), paxBody, Buffer.alloc(512 - paxBody.length), raw('f')]);
  await assert.rejects(listTar(bytesStream(pax)), (e: unknown) => e instanceof AirlockError && /malformed PAX record/.test(e.message));
  const corrupt = Buffer.from(many); corrupt[10] = 0x41;
  await assert.rejects(listTar(bytesStream(corrupt)), /checksum/);
  await assert.rejects(listTar(bytesStream(many.subarray(0, 700))), /ends inside/);
});

test('decompress reads gzip, zstd (made by the zstd CLI) and plain tars by magic; corrupt data fails clearly', async () => {
  const { decompress } = await import('./decompress.js');
  const plain = await tarBytes([file('a/b', 'hello '.repeat(1000))]);
  const gz = execFileSync('gzip', ['-c'], { input: plain });
  const zs = execFileSync('zstd', ['-c', '-q'], { input: plain });
  for (const blob of [plain, gz, zs]) assert.deepEqual(await collect(decompress(bytesStream(blob))), plain);
  await assert.rejects(collect(decompress(bytesStream(zs.subarray(0, zs.length - 5)))), /zstd data is corrupt or truncated/);
  await assert.rejects(collect(decompress(bytesStream(gz.subarray(0, gz.length - 9)))), /gzip data is corrupt/);
});

test('decompress closes its source when the consumer stops early (a half-read registry blob would keep its connection open)', async () => {
  const { decompress } = await import('./decompress.js');
  const plain = Buffer.from(randomBytes(256 * 1024).toString('hex'));
  const blobs = { plain, gzip: execFileSync('gzip', ['-c'], { input: plain }), zstd: execFileSync('zstd', ['-c', '-q'], { input: plain }) };
  for (const [kind, blob] of Object.entries(blobs)) {
    let sent = 0;
    let closed = false;
    const source = async function* () {
      try {
        for (let off = 0; off < blob.length; off += 4096) { sent += 1; yield blob.subarray(off, off + 4096); }
      } finally { closed = true; }
    };
    for await (const chunk of decompress(source())) { assert.ok(chunk.length > 0); break; }
    assert.ok(closed, `${kind}: the source was left open after the consumer stopped`);
    assert.ok(sent < Math.ceil(blob.length / 4096), `${kind}: the source was read to the end (${sent} chunks) instead of being stopped`);
  }
});

/** Recomputes header checksums so corrupted fields reach the parser instead of failing the checksum. */
function fixChecksums(b: Buffer): void {
  for (let off = 0; off + 512 <= b.length; off += 512) {
    const magic = b.subarray(off + 257, off + 262).toString('latin1');
    if (magic !== 'ustar') continue;
    b.fill(0x20, off + 148, off + 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += b[off + i]!;
    b.write(sum.toString(8).padStart(6, '0') + '\0 ', off + 148, 'latin1');
  }
}

test('hostile input: random corruption of a valid tar either reads or fails with an AirlockError, never crashes or hangs', async () => {
  const base = await tarBytes([file('a/b/c', 'x'.repeat(700)), { path: 'l', type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: 'a/b/c' }, file('d'.repeat(130), 'pax')]);
  // Edits land mostly in header blocks (offsets 0..511 of some block), where the parser does its work.
  const offset = fc.oneof(fc.nat(base.length - 1), fc.tuple(fc.nat(Math.floor(base.length / 512) - 1), fc.nat(511)).map(([blk, o]) => blk * 512 + o));
  const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x30, 0x37, 0x20, 0x00, 0x78, 0x4c, 0x31, 0x32, 0x3d, 0x0a));
  await fc.assert(fc.asyncProperty(fc.array(fc.tuple(offset, byte), { minLength: 1, maxLength: 8 }), fc.nat(base.length), async (edits, cut) => {
    const b = Buffer.from(base.subarray(0, Math.max(cut, 1)));
    for (const [i, v] of edits) if (i < b.length) b[i] = v;
    fixChecksums(b);
    try {
      for await (const { body } of readTar(bytesStream(b), { limits: { maxEntries: 100, maxBytes: 1 << 20 } })) await collect(body);
    } catch (e) {
      assert.ok(e instanceof AirlockError, `unexpected ${(e as Error).stack}`);
    }
  }), { numRuns: 1000 });
});

// prod's libicudata replaced by a trimmed one: the file, the package's md5sums, what the SBOMs list, the slice record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AirlockError } from '../errors.js';
import { elfSymbolData, parseElf } from '../gates/elf.js';
import type { FileEntry } from '../image/entry.js';
import { parseIcuPackage } from './icu-package.js';
import { replaceIcuData, withoutReplaced } from './icu-replace.js';
import { icuLibraryOf, icuPackageOf } from './icu-test-kit.js';
import type { SliceResult } from './slice.js';
import { keptIcuLibraries } from './icu-kept.js';
import { casPath } from '../cache/cas.js';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LIB = 'usr/lib/x86_64-linux-gnu';
const DATA = `${LIB}/libicudata.so.72.1`;
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const file = (path: string, data: Uint8Array): FileEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: data.length, open: async function* () { yield data; } });
const link = (path: string, to: string): FileEntry => ({ path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: to });
async function read(e: FileEntry): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of e.open!()) parts.push(c);
  return Buffer.concat(parts);
}

const original = icuLibraryOf(icuPackageOf(['root.res', 'en.res', 'de.res', 'fr.res', 'cnvalias.icu', 'windows-1252.cnv']));
const uc = Buffer.from('libicuuc');
const copyright = Buffer.from('copyright');
const sums = `${md5(copyright)}  usr/share/doc/libicu72/copyright\n${md5(original)}  ${DATA}\n${md5(uc)}  ${LIB}/libicuuc.so.72.1\n`;
const entries: FileEntry[] = [
  link(`${LIB}/libicudata.so.72`, 'libicudata.so.72.1'), file(DATA, original), file(`${LIB}/libicuuc.so.72.1`, uc),
  file('usr/share/doc/libicu72/copyright', copyright), file('var/lib/dpkg/status.d/libicu72', Buffer.from('Package: libicu72\n')),
  file('var/lib/dpkg/status.d/libicu72.md5sums', Buffer.from(sums)),
];
const owners = new Map([[DATA, 'libicu72'], [`${LIB}/libicudata.so.72`, 'libicu72'], [`${LIB}/libicuuc.so.72.1`, 'libicu72'], ['usr/share/doc/libicu72/copyright', 'libicu72']]);

test('the data library is replaced by a trimmed one; the package no longer claims it', async () => {
  const r = await replaceIcuData({ entries, owners, settings: { languages: ['en'], converters: false }, symbolData: elfSymbolData });
  assert.equal(r.replacements.length, 1);
  const made = r.entries.find((e) => e.path === DATA)!;
  const bytes = await read(made);
  assert.equal(made.size, bytes.length);
  assert.equal(made.mode, 0o644);
  assert.equal(parseElf(bytes)!.soname, 'libicudata.so.72');
  assert.deepEqual(parseIcuPackage(elfSymbolData(bytes, 'icudt72_dat')!).items.map((i) => i.name), ['cnvalias.icu', 'en.res', 'root.res']);
  assert.equal(r.entries.find((e) => e.path === `${LIB}/libicudata.so.72`)!.linkname, 'libicudata.so.72.1', 'the soname link stays');
  const left = (await read(r.entries.find((e) => e.path.endsWith('libicu72.md5sums'))!)).toString();
  assert.equal(left, `${md5(copyright)}  usr/share/doc/libicu72/copyright\n${md5(uc)}  ${LIB}/libicuuc.so.72.1\n`);
  const x = r.replacements[0]!;
  assert.deepEqual({ ...x, packageFiles: undefined }, {
    path: DATA, package: 'libicu72', symbol: 'icudt72_dat', languages: ['en'], converters: false,
    original: { size: original.length, sha256: createHash('sha256').update(original).digest('hex') },
    made: { size: bytes.length, sha1: createHash('sha1').update(bytes).digest('hex'), sha256: createHash('sha256').update(bytes).digest('hex') },
    keptItems: 3, removedItems: 3, removed: { 'locale data': 2, converters: 1 }, packageFiles: undefined,
  });
  assert.deepEqual(x.packageFiles.map((f) => f.path), [`${LIB}/libicuuc.so.72.1`, 'usr/share/doc/libicu72/copyright']);
  assert.equal(x.packageFiles[0]!.sha256, createHash('sha256').update(uc).digest('hex'));
  assert.deepEqual(r.entries.map((e) => e.path), entries.map((e) => e.path), 'same paths, same order');
});

test('the same input makes the same bytes', async () => {
  const run = async () => read((await replaceIcuData({ entries, owners, settings: { languages: ['en'], converters: true }, symbolData: elfSymbolData })).entries[1]!);
  assert.deepEqual(await run(), await run());
});

test('without ICU data nothing changes; a library without the data symbol or an unknown language is an error', async () => {
  const none = await replaceIcuData({ entries: entries.filter((e) => e.path !== DATA), owners, settings: { converters: false }, symbolData: elfSymbolData });
  assert.deepEqual(none.replacements, []);
  const junk = entries.map((e) => (e.path === DATA ? file(DATA, Buffer.from('not ELF')) : e));
  await assert.rejects(replaceIcuData({ entries: junk, owners, settings: { converters: false }, symbolData: elfSymbolData }),
    (e: unknown) => e instanceof AirlockError && e.code === 'icu-data-unreadable' && /defines no data symbol icudt72_dat/.test(e.message));
  await assert.rejects(replaceIcuData({ entries, owners, settings: { languages: ['xx'], converters: true }, symbolData: elfSymbolData }),
    (e: unknown) => e instanceof AirlockError && e.code === 'icu-unknown-language');
});

test('a slice result stops listing the replaced file under its package', async () => {
  const r = await replaceIcuData({ entries, owners, settings: { languages: ['en'], converters: true }, symbolData: elfSymbolData });
  const digest = { sha1: 'a', sha256: 'b' };
  const slice = {
    entries: [], rules: [], orphaned: [], unmatchedKeep: [], keptBy: new Map(), leftOut: new Map(), warnings: [],
    packages: [{ name: 'libicu72', whole: true, kept: [DATA, `${LIB}/libicuuc.so.72.1`], keptBytes: original.length + uc.length, removed: [], removedBytes: 0 },
      { name: 'libc6', whole: false, kept: ['x'], keptBytes: 1, removed: [], removedBytes: 0 }],
    digests: new Map([[DATA, digest], [`${LIB}/libicuuc.so.72.1`, digest]]),
  } satisfies SliceResult;
  const s = withoutReplaced(slice, r.replacements);
  assert.deepEqual(s.packages[0], { name: 'libicu72', whole: false, kept: [`${LIB}/libicuuc.so.72.1`], keptBytes: uc.length, removed: [], removedBytes: 0 });
  assert.equal(s.packages[1], slice.packages[1]);
  assert.deepEqual([...s.digests.keys()], [`${LIB}/libicuuc.so.72.1`]);
});

test("the original's and the package's other files' digests come from the caller's record; what airlock made is hashed", async () => {
  const asked: string[] = [];
  const fileDigests = async (path: string): Promise<[string, string, string]> => { asked.push(path); return ['0'.repeat(32), '1'.repeat(40), '2'.repeat(64)]; };
  const r = await replaceIcuData({ entries, owners, settings: { languages: ['en'], converters: false }, symbolData: elfSymbolData, fileDigests });
  const [x] = r.replacements;
  assert.equal(x!.original.sha256, '2'.repeat(64));
  assert.ok(x!.packageFiles.length > 0 && x!.packageFiles.every((f) => f.sha1 === '1'.repeat(40) && f.sha256 === '2'.repeat(64)));
  assert.deepEqual(asked.sort(), [DATA, ...x!.packageFiles.map((f) => f.path)].sort(), 'asked for the original and the files its package still names');
  const made = await read(r.entries.find((e) => e.path === DATA)!);
  assert.equal(x!.made.sha256, createHash('sha256').update(made).digest('hex'));
  // Without a record, the same hashes as before.
  const plain = (await replaceIcuData({ entries, owners, settings: { languages: ['en'], converters: false }, symbolData: elfSymbolData })).replacements[0]!;
  assert.equal(plain.original.sha256, createHash('sha256').update(original).digest('hex'));
  assert.deepEqual(plain.packageFiles.find((f) => f.path === `${LIB}/libicuuc.so.72.1`)?.sha256, createHash('sha256').update(uc).digest('hex'));
});

test('a trimmed library kept by the original sha256 and the settings is used again without reading the original', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'airlock-icu-kept-'));
  try {
    const settings = { languages: ['en'], converters: false };
    const made = keptIcuLibraries(cache, '0.1.0+x', settings)!;
    const first = await replaceIcuData({ entries, owners, settings, symbolData: elfSymbolData, made });
    const records = (await readdir(join(cache, 'layers'))).filter((f) => f.startsWith('icu-'));
    assert.equal(records.length, 1, 'one trimmed library kept');
    // The next build: the original is never read (its entry would fail), the result is the same.
    const unread = entries.map((e) => (e.path === DATA ? { ...e, open: (): never => { throw new Error('the original was read'); } } : e));
    const known = async (): Promise<[string, string, string]> => ['0'.repeat(32), '1'.repeat(40), first.replacements[0]!.original.sha256];
    const again = await replaceIcuData({ entries: unread, owners, settings, symbolData: elfSymbolData, made, fileDigests: (p, d) => (p === DATA ? known() : d().then((b) => ['', '', createHash('sha256').update(b).digest('hex')] as [string, string, string])) });
    assert.deepEqual(await read(again.entries.find((e) => e.path === DATA)!), await read(first.entries.find((e) => e.path === DATA)!));
    const strip = (x: (typeof first.replacements)[number]) => ({ ...x, packageFiles: [] });
    assert.deepEqual(strip(again.replacements[0]!), strip(first.replacements[0]!));
    // Other settings, another identity, or a damaged kept copy: trimmed again (here: the original is read, and fails).
    for (const other of [keptIcuLibraries(cache, '0.1.0+x', { ...settings, converters: true })!, keptIcuLibraries(cache, '0.1.0+y', settings)!]) {
      await assert.rejects(replaceIcuData({ entries: unread, owners, settings, symbolData: elfSymbolData, made: other }), /the original was read/);
    }
    const record = JSON.parse(await readFile(join(cache, 'layers', records[0]!), 'utf8')) as { sha256: string };
    const blob = casPath(cache, record.sha256);
    await chmod(blob, 0o644);
    await writeFile(blob, 'damaged');
    await assert.rejects(replaceIcuData({ entries: unread, owners, settings, symbolData: elfSymbolData, made }), /the original was read/);
    // --no-cache keeps and uses none.
    assert.equal(keptIcuLibraries(cache, '0.1.0+x', settings, true), undefined);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});

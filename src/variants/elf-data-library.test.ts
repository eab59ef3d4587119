// The data-only shared library airlock writes in place of libicudata: read back by the gates' ELF reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elfSymbolData, parseElf } from '../gates/elf.js';
import { ElfBytes, readFileHeader, readProgramHeaders } from '../gates/elf-reader.js';
import { missingHardening } from '../gates/checks/elf-hardening.js';
import { dataLibrary, gnuHash, type DataLibrarySpec } from './elf-data-library.js';

const data = new Uint8Array(100_003).map((_, i) => (i * 7) & 0xff);
const spec = (s: Partial<DataLibrarySpec>): DataLibrarySpec => ({
  elfClass: 2, elfData: 1, osAbi: 0, machine: 62, flags: 0, soname: 'libicudata.so.72', symbol: 'icudt72_dat', data, ...s,
});

// x86-64, arm64, riscv64 (float ABI flags), i386 and armhf (32-bit), s390x (big-endian).
const MACHINES: [string, Partial<DataLibrarySpec>][] = [
  ['x86_64', {}], ['aarch64', { machine: 183 }], ['riscv', { machine: 243, flags: 5 }],
  ['i386', { elfClass: 1, machine: 3 }], ['arm', { elfClass: 1, machine: 40, flags: 0x05000400 }], ['s390x', { elfData: 2, machine: 22 }],
];

test('the library reads back: soname, the one exported symbol and its bytes, no NEEDED, fully hardened', () => {
  for (const [name, s] of MACHINES) {
    const bytes = dataLibrary(spec(s));
    const info = parseElf(bytes)!;
    assert.deepEqual(info.problems, [], name);
    assert.equal(info.machineName, name);
    assert.equal(info.type, 'dyn');
    assert.equal(info.soname, 'libicudata.so.72');
    assert.deepEqual(info.needed, []);
    assert.deepEqual(info.exports, ['icudt72_dat']);
    assert.deepEqual(info.imports, []);
    assert.equal(info.relro, 'full');
    assert.equal(info.nxStack, true);
    assert.deepEqual(missingHardening(info), { missing: [], unproven: [], cet: false }, name);
    assert.deepEqual(elfSymbolData(bytes, 'icudt72_dat'), data, name);
    assert.equal(elfSymbolData(bytes, 'icudt73_dat'), undefined);
    assert.equal(new DataView(bytes.buffer).getUint32(s.elfClass === 1 ? 36 : 48, s.elfData !== 2), s.flags ?? 0, 'flags copied');
  }
});

test('segments: read-only data, the dynamic section alone writable and ending on a page (RELRO covers it)', () => {
  const bytes = dataLibrary(spec({}));
  const r = new ElfBytes(bytes, true, true);
  const [ro, rw, dyn, stack, relro] = readProgramHeaders(r, readFileHeader(r));
  assert.deepEqual([ro!.type, ro!.flags, ro!.offset, ro!.vaddr], [1, 4, 0, 0]);
  assert.ok(ro!.filesz >= data.length);
  assert.deepEqual([rw!.type, rw!.flags, dyn!.type, stack!.type, stack!.flags, relro!.type], [1, 6, 2, 0x6474e551, 6, 0x6474e552]);
  assert.equal((rw!.vaddr + rw!.memsz) % 0x1000, 0, 'RELRO protects whole pages');
  assert.equal(rw!.vaddr - rw!.offset, 0x10000, 'one 64 KiB page above its file offset');
  assert.ok(rw!.vaddr >= ro!.vaddr + ro!.memsz);
  assert.deepEqual([relro!.vaddr, relro!.memsz], [rw!.vaddr, rw!.memsz]);
});

test('deterministic, and the GNU hash is the loader\'s', () => {
  assert.deepEqual(dataLibrary(spec({})), dataLibrary(spec({})));
  assert.notDeepEqual(dataLibrary(spec({})), dataLibrary(spec({ data: data.subarray(1) })));
  // dl_new_hash values from glibc's tests
  assert.equal(gnuHash(''), 5381);
  assert.equal(gnuHash('printf'), 0x156b2bb8);
  assert.equal(gnuHash('exit'), 0x7c967e3f);
});

// Small ICU data packages and data libraries for the tests of the ICU trimming (made here, not read from a system).
import { dataLibrary } from './elf-data-library.js';
import { writeIcuPackage } from './icu-package.js';

/** A common data package header as ICU writes it: 32 bytes, "CmnD" 1.0, the byte order flag. */
export function icuHeader(bigEndian = false): Uint8Array {
  const h = new Uint8Array(32);
  const v = new DataView(h.buffer);
  v.setUint16(0, 32, !bigEndian);
  h.set([0xda, 0x27], 2);
  v.setUint16(4, 20, !bigEndian);
  h.set([bigEndian ? 1 : 0, 0, 2, 0], 8);
  h.set(Buffer.from('CmnD', 'latin1'), 12);
  h.set([1, 0, 0, 0, 72, 1, 0, 0], 16);
  return h;
}

/** A package of items named as given, each holding its own name (so that a test can tell them apart). */
export function icuPackageOf(names: readonly string[], bigEndian = false): Uint8Array {
  const items = names.map((name) => ({ name, bytes: Buffer.from(`item ${name}`, 'latin1') }));
  return writeIcuPackage({ header: icuHeader(bigEndian), prefix: bigEndian ? 'icudt72b' : 'icudt72l', bigEndian, items });
}

/** A libicudata.so.72 for x86-64 exporting the package as icudt72_dat. */
export function icuLibraryOf(dat: Uint8Array): Uint8Array {
  return dataLibrary({ elfClass: 2, elfData: 1, osAbi: 0, machine: 62, flags: 0, soname: 'libicudata.so.72', symbol: 'icudt72_dat', data: dat });
}

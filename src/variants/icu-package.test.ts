// ICU common data packages: read into items and written back the way icupkg writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../errors.js';
import { parseIcuPackage, writeIcuPackage } from './icu-package.js';
import { icuHeader, icuPackageOf } from './icu-test-kit.js';

const NAMES = ['root.res', 'coll/root.res', 'de.res', 'brkitr/word.brk', 'cnvalias.icu', 'ibm-37_P100-1995.cnv', 'Zz.res'];

test('a package reads back item by item, sorted byte-wise, each starting on a 16-byte boundary', () => {
  for (const bigEndian of [false, true]) {
    const bytes = icuPackageOf(NAMES, bigEndian);
    const pkg = parseIcuPackage(bytes);
    assert.equal(pkg.prefix, bigEndian ? 'icudt72b' : 'icudt72l');
    assert.equal(pkg.bigEndian, bigEndian);
    assert.equal(pkg.header.length, 32);
    // strcmp order: upper case before lower case, '/' (0x2f) before letters
    assert.deepEqual(pkg.items.map((i) => i.name), ['Zz.res', 'brkitr/word.brk', 'cnvalias.icu', 'coll/root.res', 'de.res', 'ibm-37_P100-1995.cnv', 'root.res']);
    for (const it of pkg.items) {
      assert.equal(Buffer.from(it.bytes).toString('latin1').replace(/\xaa+$/, ''), `item ${it.name}`);
      assert.equal((it.bytes.byteOffset - bytes.byteOffset) % 16, 0, it.name);
    }
    assert.deepEqual(writeIcuPackage(pkg), bytes, 'written back unchanged: the same bytes');
  }
});

test('fewer items make a smaller package that still reads', () => {
  const pkg = parseIcuPackage(icuPackageOf(NAMES));
  const fewer = writeIcuPackage({ ...pkg, items: pkg.items.filter((i) => !i.name.endsWith('.cnv')) });
  assert.deepEqual(parseIcuPackage(fewer).items.map((i) => i.name), pkg.items.map((i) => i.name).filter((n) => !n.endsWith('.cnv')));
});

test('what is not a common data package is a clear error', () => {
  const notIcu = new Uint8Array(64);
  const resB = icuHeader();
  resB.set(Buffer.from('ResB', 'latin1'), 12);
  // The first item names the package's prefix; an item under another one is no item of it.
  const twoPrefixes = Buffer.from(icuPackageOf(['a.res', 'b.res']));
  twoPrefixes.write('icudt72x', twoPrefixes.indexOf('icudt72l/b.res'), 'latin1');
  for (const [bytes, why] of [[notIcu, /no ICU data header/], [resB, /data format "ResB"/], [icuPackageOf(['a.res']).subarray(0, 34), /truncated header/], [icuPackageOf(['a.res']).subarray(0, 40), /bad item count 1/], [twoPrefixes, /item icudt72x\/b\.res lacks the package prefix icudt72l\//],
  ] as const) {
    assert.throws(() => parseIcuPackage(bytes), (e: unknown) => e instanceof AirlockError && e.code === 'icu-data-unreadable' && why.test(e.message));
  }
});

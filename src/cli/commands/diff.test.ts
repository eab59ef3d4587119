// airlock diff with slicing: the files an airlock prod lacks are labelled with the package slicing cut them from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffImages } from '../../gates/diff.js';
import { dir, file, image, link } from '../../gates/test-kit.js';
import type { WhySlicing } from '../../why/record.js';
import { formatDiff, withSlicing } from './diff.js';

const T = 'usr/lib/x86_64-linux-gnu';
const NOTHING = 'no kept file needs it';
const ICONV = 'the rule for gconv modules (iconv) did not apply: no kept program calls iconv_open';

/** A dev image with the whole of libc6, and a prod whose slicing kept libc.so.6 only. */
async function images() {
  const libc = file(`${T}/libc.so.6`, 'c'.repeat(2000));
  const dev = await image([[
    dir('usr'), dir(T), dir(`${T}/gconv`), libc, file(`${T}/libm.so.6`, 'm'.repeat(700)),
    file(`${T}/gconv/IBM037.so`, 'g'.repeat(300)), link(`${T}/libm.so`, 'libm.so.6'),
    file('usr/bin/gcc-12', 'x'.repeat(50)),
  ]]);
  const prod = await image([[dir('usr'), dir(T), libc, file('app', 'a')]]);
  const slicing: WhySlicing = {
    reasons: [NOTHING, ICONV],
    kept: {},
    removed: {
      [`${T}/libm.so.6`]: ['libc6', 0], [`${T}/libm.so`]: ['libc6', 0], [`${T}/gconv/IBM037.so`]: ['libc6', 1],
    },
  };
  return { dev, prod, slicing };
}

test('dev → prod: the files prod lacks that slicing left out name their package and reason', async () => {
  const { dev, prod, slicing } = await images();
  const d = withSlicing(await diffImages(dev, prod), undefined, slicing);
  const removed = Object.fromEntries(d.files.removed.map((f) => [f.path, f.sliced]));
  assert.deepEqual(removed[`${T}/libm.so.6`], { package: 'libc6', reason: NOTHING });
  assert.deepEqual(removed[`${T}/gconv/IBM037.so`], { package: 'libc6', reason: ICONV });
  assert.equal(removed['usr/bin/gcc-12'], undefined, 'not a file of a prod package: stayed in dev');
  assert.ok(d.files.added.every((f) => f.sliced === undefined));

  const text = formatDiff(d, 'dev', 'prod', 200);
  assert.match(text, new RegExp(`- /${T}/libm\\.so\\.6  700 B  \\(sliced out of libc6 \\[1\\]\\)`));
  assert.match(text, new RegExp(`- /${T}/gconv/IBM037\\.so  300 B  \\(sliced out of libc6 \\[2\\]\\)`));
  assert.match(text, /- \/usr\/bin\/gcc-12 {2}50 B\n/);
  const head = "slicing: 3 files (1000 B) of the removed are ones prod's slicing left out of its Debian packages:";
  const tally = '  libc6: 3 files, 1000 B\n  [1] 2 files: no kept file needs it\n  [2] 1 file: the rule for gconv';
  assert.ok(text.includes(`\n\n${head}\n${tally}`), text);
});

test('prod → dev: files dev adds back are labelled by prod\'s slicing; without a record, no labels', async () => {
  const { dev, prod, slicing } = await images();
  const d = withSlicing(await diffImages(prod, dev), slicing, undefined);
  assert.deepEqual(d.files.added.filter((f) => f.sliced).map((f) => f.path).sort(), [
    `${T}/gconv/IBM037.so`, `${T}/libm.so`, `${T}/libm.so.6`,
  ]);
  const head = "slicing: 3 files (1000 B) of the added are ones prod's slicing left out, which dev holds:";
  assert.ok(formatDiff(d, 'prod', 'dev', 200).includes(head));
  const plain = await diffImages(dev, prod);
  assert.deepEqual(withSlicing(plain, undefined, undefined), plain);
  assert.doesNotMatch(formatDiff(plain, 'dev', 'prod', 200), /slic/);
});

test('prod → prod of two builds: what B newly leaves out and what B newly keeps, each by its own record', async () => {
  const gconv = file(`${T}/gconv/IBM037.so`, 'g'.repeat(300));
  const libm = file(`${T}/libm.so.6`, 'm'.repeat(700));
  const a = await image([[dir('usr'), dir(T), dir(`${T}/gconv`), gconv]]);
  const b = await image([[dir('usr'), dir(T), libm]]);
  const recordA: WhySlicing = { reasons: [NOTHING], kept: {}, removed: { [`${T}/libm.so.6`]: ['libc6', 0] } };
  const recordB: WhySlicing = { reasons: [ICONV], kept: {}, removed: { [`${T}/gconv/IBM037.so`]: ['libc6', 0] } };
  const d = withSlicing(await diffImages(a, b), recordA, recordB);
  const removed = d.files.removed.map((f) => [f.path, f.sliced?.reason]);
  assert.deepEqual(removed, [[`${T}/gconv`, undefined], [`${T}/gconv/IBM037.so`, ICONV]], 'a folder is not labelled');
  assert.deepEqual(d.files.added.map((f) => [f.path, f.sliced?.reason]), [[`${T}/libm.so.6`, NOTHING]]);
  const text = formatDiff(d, 'a', 'b', 200);
  // One numbering of the reasons across both tallies.
  assert.ok(text.includes(`- /${T}/gconv/IBM037.so  300 B  (sliced out of libc6 [1])`), text);
  assert.ok(text.includes(`+ /${T}/libm.so.6  700 B  (sliced out of libc6 [2])`), text);
  assert.ok(text.includes(`[2] 1 file: ${NOTHING}`), text);
});

// Files airlock made in place of a package's, as the outputs name them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prodPackages } from '../../test/fixtures/evidence/input.js';
import type { IcuReplacement } from '../variants/icu-replace.js';
import { icuReports, madeArtifacts, replacementHow, withReplacedFiles } from './replaced-files.js';

const replacement: IcuReplacement = {
  path: 'usr/lib/x86_64-linux-gnu/libicudata.so.72.1', package: 'libc6', symbol: 'icudt72_dat', languages: ['de', 'en'], converters: false,
  original: { size: 100, sha256: 'a'.repeat(64) }, made: { size: 10, sha1: 'b'.repeat(40), sha256: 'c'.repeat(64) },
  keptItems: 2, removedItems: 3, removed: { 'locale data': 2, converters: 1 },
  packageFiles: [{ path: 'usr/share/doc/libc6/copyright', sha1: 'd'.repeat(40), sha256: 'e'.repeat(64) }],
};

test('the package that lost a file lists the others, sliced or whole; the made file is airlock\'s artifact', () => {
  const pkgs = withReplacedFiles(prodPackages, [replacement]);
  assert.deepEqual(pkgs.find((p) => p.name === 'libc6')!.files, replacement.packageFiles);
  assert.ok(pkgs.filter((p) => p.name !== 'libc6').every((p) => p.files === undefined), 'the others stay as they were');
  assert.deepEqual(withReplacedFiles(prodPackages, []), prodPackages);
  assert.equal(replacementHow(replacement), 'its ICU data (icudt72_dat) trimmed to the languages de, en without legacy charset converters (variants.prod.icu)');
  assert.equal(replacementHow({ ...replacement, languages: 'all', converters: true }), 'its ICU data (icudt72_dat) trimmed to every language (variants.prod.icu)');
  assert.deepEqual(madeArtifacts([replacement]), [{
    path: replacement.path, sha256: 'c'.repeat(64), size: 10, madeFrom: { package: 'libc6', how: replacementHow(replacement) },
  }]);
  assert.deepEqual(icuReports([replacement]), [{
    path: replacement.path, package: 'libc6', languages: ['de', 'en'], converters: false, original: replacement.original,
    made: { size: 10, sha256: 'c'.repeat(64) }, keptItems: 2, removedItems: 3, removed: { 'locale data': 2, converters: 1 },
  }]);
});

// What prod keeps of ICU's data for `variants.prod.icu`, item by item, on names as ICU 72 has them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../errors.js';
import { icuItemRemoval, icuLanguages, trimIcuPackage } from './icu-data.js';
import { parseIcuPackage } from './icu-package.js';
import { icuPackageOf } from './icu-test-kit.js';

const EN = { languages: ['en'], converters: true };

test('locale data goes by language in every tree; root, pools, indexes and shared data stay', () => {
  const kept = ['en.res', 'en_GB.res', 'en_US_POSIX.res', 'coll/en.res', 'curr/en_150.res', 'root.res', 'coll/root.res', 'pool.res',
    'zone/pool.res', 'res_index.res', 'coll/res_index.res', 'supplementalData.res', 'zoneinfo64.res', 'metaZones.res',
    'coll/ucadata.icu', 'uprops.icu', 'nfkc.nrm', 'uts46.nrm', 'brkitr/word.brk', 'brkitr/line_cj.brk', 'translit/root.res',
    'rfc3491.spp', 'confusables.cfu', 'cnvalias.icu', 'ibm-5348_P100-1997.cnv', 'unit/root.res'];
  for (const name of kept) assert.equal(icuItemRemoval(name, EN), undefined, name);
  const gone = ['de.res', 'de_AT.res', 'coll/de__PHONEBOOK.res', 'coll/de_.res', 'zone/fr.res', 'lang/yue_Hans.res', 'rbnf/ru.res',
    'unit/rm.res', 'translit/el.res', 'brkitr/ja.res'];
  for (const name of gone) assert.equal(icuItemRemoval(name, EN), 'locale data', name);
});

test('a word-break dictionary stays with a language that needs it; converters go only when asked', () => {
  assert.equal(icuItemRemoval('brkitr/cjdict.dict', EN), 'dictionaries');
  assert.equal(icuItemRemoval('brkitr/cjdict.dict', { languages: ['ja'], converters: true }), undefined);
  assert.equal(icuItemRemoval('brkitr/cjdict.dict', { languages: ['zh'], converters: true }), undefined);
  assert.equal(icuItemRemoval('brkitr/thaidict.dict', { languages: ['th'], converters: true }), undefined);
  assert.equal(icuItemRemoval('brkitr/khmerdict.dict', { languages: ['th'], converters: true }), 'dictionaries');
  assert.equal(icuItemRemoval('ibm-5348_P100-1997.cnv', { languages: ['en'], converters: false }), 'converters');
  assert.equal(icuItemRemoval('cnvalias.icu', { languages: ['en'], converters: false }), undefined, 'the alias table names UTF-8 too');
  // Without languages every locale stays.
  for (const name of ['de.res', 'brkitr/cjdict.dict']) assert.equal(icuItemRemoval(name, { converters: false }), undefined, name);
  assert.equal(icuItemRemoval('gb18030.cnv', { converters: false }), 'converters');
});

const SAMPLE = ['root.res', 'en.res', 'en_GB.res', 'de.res', 'coll/root.res', 'coll/de.res', 'brkitr/cjdict.dict', 'brkitr/root.res',
  'res_index.res', 'cnvalias.icu', 'ibm-37_P100-1995.cnv', 'windows-1252.cnv'];

test('trimming keeps what is asked for and counts what went', () => {
  const t = trimIcuPackage(icuPackageOf(SAMPLE), { languages: ['en'], converters: false });
  assert.deepEqual(parseIcuPackage(t.data).items.map((i) => i.name), ['brkitr/root.res', 'cnvalias.icu', 'coll/root.res', 'en.res', 'en_GB.res', 'res_index.res', 'root.res']);
  assert.deepEqual(t.removed, { 'locale data': 2, dictionaries: 1, converters: 2 });
  assert.equal(t.keptItems, 7);
  assert.equal(t.removedItems, 5);
  assert.equal(t.prefix, 'icudt72l');
  assert.ok(t.removedBytes > 0 && t.data.length < icuPackageOf(SAMPLE).length);
  const all = trimIcuPackage(icuPackageOf(SAMPLE), { converters: true });
  assert.deepEqual(all.data, icuPackageOf(SAMPLE), 'keeping everything writes the same bytes');
  assert.deepEqual(icuLanguages(parseIcuPackage(icuPackageOf(SAMPLE)).items), ['de', 'en']);
});

test('a language without locale data in the package is an error that lists the languages it has', () => {
  assert.throws(() => trimIcuPackage(icuPackageOf(SAMPLE), { languages: ['en', 'xx', 'tlh'], converters: true }), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.equal(e.code, 'icu-unknown-language');
    assert.equal(e.exitCode, 2);
    assert.equal(e.message, "variants.prod.icu.languages: ICU's data (icudt72l) has no locale of xx, tlh");
    assert.equal(e.hint, 'languages with locale data: de en');
    return true;
  });
});

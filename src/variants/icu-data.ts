// Which items of ICU's data prod keeps (`variants.prod.icu`): the locale data of the listed languages (with the
// word-break dictionaries of their scripts), the legacy charset tables when asked, and everything every locale
// uses (root, pools, character properties, normalization, collation roots, time zones, plural and unit rules).
import { AirlockError } from '../errors.js';
import type { IcuSettings } from '../config/types.js';
import { parseIcuPackage, writeIcuPackage, type IcuItem } from './icu-package.js';

export type { IcuSettings } from '../config/types.js';

/** Word-break dictionaries, and the languages whose text needs them (segmenting words without spaces). */
export const ICU_DICTIONARIES: Readonly<Record<string, readonly string[]>> = {
  'brkitr/cjdict.dict': ['ja', 'zh'], 'brkitr/thaidict.dict': ['th'], 'brkitr/laodict.dict': ['lo'],
  'brkitr/burmesedict.dict': ['my'], 'brkitr/khmerdict.dict': ['km'],
};

/** A locale's bundle in any tree ("de.res", "coll/de_AT.res", "de__PHONEBOOK.res"); res_index lists bundles. */
const LOCALE_BUNDLE = /^(?:[a-z]+\/)?([a-z]{2,3})(?:_[A-Za-z0-9_]*)?\.res$/;

/** The kinds of item prod can leave out. */
export type IcuRemoval = 'locale data' | 'dictionaries' | 'converters';

/** Why an item goes, or undefined when prod keeps it. */
export function icuItemRemoval(name: string, settings: IcuSettings): IcuRemoval | undefined {
  const wanted = settings.languages;
  if (name.endsWith('.cnv')) return settings.converters ? undefined : 'converters';
  if (!wanted) return undefined;
  const dictionary = ICU_DICTIONARIES[name];
  if (dictionary) return dictionary.some((l) => wanted.includes(l)) ? undefined : 'dictionaries';
  const m = LOCALE_BUNDLE.exec(name);
  if (!m || name.endsWith('res_index.res')) return undefined;
  return wanted.includes(m[1]!) ? undefined : 'locale data';
}

/** The languages that have locale data in these items, sorted. */
export function icuLanguages(items: readonly IcuItem[]): string[] {
  const out = new Set<string>();
  for (const it of items) {
    const m = LOCALE_BUNDLE.exec(it.name);
    if (m && !it.name.endsWith('res_index.res')) out.add(m[1]!);
  }
  return [...out].sort();
}

/** A trimmed package and what was left out of it. */
export interface IcuTrim {
  data: Uint8Array;
  prefix: string;
  keptItems: number;
  removedItems: number;
  removedBytes: number;
  /** Items removed, by kind. */
  removed: Partial<Record<IcuRemoval, number>>;
}

/** Trims a common data package; throws when a listed language has no locale data in it. */
export function trimIcuPackage(bytes: Uint8Array, settings: IcuSettings): IcuTrim {
  const pkg = parseIcuPackage(bytes);
  const known = icuLanguages(pkg.items);
  const unknown = (settings.languages ?? []).filter((l) => !known.includes(l));
  if (unknown.length) {
    const message = `variants.prod.icu.languages: ICU's data (${pkg.prefix}) has no locale of ${unknown.join(', ')}`;
    throw new AirlockError('usage', 'icu-unknown-language', message, { hint: `languages with locale data: ${known.join(' ')}` });
  }
  const kept: IcuItem[] = [];
  const removed: Partial<Record<IcuRemoval, number>> = {};
  let removedBytes = 0;
  for (const it of pkg.items) {
    const kind = icuItemRemoval(it.name, settings);
    if (kind === undefined) { kept.push(it); continue; }
    removed[kind] = (removed[kind] ?? 0) + 1;
    removedBytes += it.bytes.length;
  }
  const data = writeIcuPackage({ ...pkg, items: kept });
  const removedItems = pkg.items.length - kept.length;
  return { data, prefix: pkg.prefix, keptItems: kept.length, removedItems, removedBytes, removed };
}

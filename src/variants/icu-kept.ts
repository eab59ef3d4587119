// Trimmed ICU data libraries kept between builds, by what they are made from: the original library (its sha256), the
// trim's settings and airlock's identity. The bytes go to the content store; `layers/icu-<key>.json` names them with
// what the trim counted. A rebuild whose runtime set did not change then neither reads ICU's 30 MB nor trims it.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readVerified, storeBytes } from '../cache/cas.js';
import { touchCacheEntry } from '../cache/touch.js';
import { writeFileAtomic } from '../files/atomic.js';
import type { IcuSettings } from './icu-data.js';
import type { IcuReplaceInput, KeptIcuLibrary } from './icu-replace.js';

interface IcuRecord { sha256: string; size: number; keptItems: number; removedItems: number; removed: Record<string, number> }

const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
function validRecord(r: unknown): r is IcuRecord {
  if (r === null || typeof r !== 'object') return false;
  const x = r as Record<string, unknown>;
  const removed = x.removed as Record<string, unknown> | null;
  return typeof x.sha256 === 'string' && /^[0-9a-f]{64}$/.test(x.sha256) && count(x.size) && count(x.keptItems) && count(x.removedItems)
    && removed !== null && typeof removed === 'object' && !Array.isArray(removed) && Object.values(removed).every(count);
}

/** The kept trimmed libraries of `cacheDir` for these settings; undefined (none kept, none used) with `fresh`. */
export function keptIcuLibraries(cacheDir: string, identity: string, settings: IcuSettings, fresh = false): IcuReplaceInput['made'] {
  if (fresh) return undefined;
  const recordFile = (path: string, original: string) => {
    const key = createHash('sha256').update(JSON.stringify({ format: 1, identity, path, original, settings })).digest('hex');
    return join(cacheDir, 'layers', `icu-${key}.json`);
  };
  return {
    async find(path, original) {
      const file = recordFile(path, original);
      if (!(await touchCacheEntry(file))) return undefined;
      let r: unknown;
      try { r = JSON.parse(await readFile(file, 'utf8')); } catch { return undefined; }
      if (!validRecord(r)) return undefined;
      // A missing or damaged content entry: trimmed again.
      const bytes = await readVerified(cacheDir, r.sha256, r.size);
      return bytes ? { bytes, keptItems: r.keptItems, removedItems: r.removedItems, removed: r.removed } : undefined;
    },
    async keep(path, original, made: KeptIcuLibrary) {
      // Not kept (a full disk, say): trimmed again next time.
      try {
        const sha256 = await storeBytes(cacheDir, made.bytes);
        await mkdir(join(cacheDir, 'layers'), { recursive: true });
        const record: IcuRecord = { sha256, size: made.bytes.length, keptItems: made.keptItems, removedItems: made.removedItems, removed: made.removed as Record<string, number> };
        await writeFileAtomic(recordFile(path, original), `${JSON.stringify(record)}\n`);
      } catch { /* see above */ }
    },
  };
}

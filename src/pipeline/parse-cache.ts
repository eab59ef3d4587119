// Parsed config and lock files, kept by their text: a build whose airlock.yaml and lock did not change loads neither
// the YAML parser nor the schema library. Loading those was a third of the start-up of a no-change rebuild.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { touchCacheEntry } from '../cache/touch.js';
import { writeFileAtomic } from '../files/atomic.js';
import type { LoadedConfig } from '../config/load.js';
import type { Lock } from '../debian/types.js';
import { airlockIdentity } from './version.js';

export interface ParseCacheOptions {
  cacheDir: string;
  /** Parse again, and keep the result anew (--no-cache). */
  fresh?: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * `parse()`'s result for this text, from `<cache>/builds/parsed-<key>.json` when an earlier run kept it. The key is
 * airlock's identity, what is parsed (`kind`), everything else the result depends on (`inputs`) and the text. A
 * record that does not check (its value's digest beside it) is parsed again; failures are never kept.
 */
export async function cachedParse<T>(kind: string, text: string, inputs: unknown, opts: ParseCacheOptions, parse: () => Promise<T>): Promise<T> {
  const identity = airlockIdentity(opts.cacheDir);
  const key = createHash('sha256').update(JSON.stringify({ format: 1, kind, identity, inputs })).update('\0').update(text).digest('hex');
  const file = join(opts.cacheDir, 'builds', `parsed-${key}.json`);
  if (!opts.fresh) {
    const kept = await readKept(file);
    if (kept) return kept.value as T;
  }
  const value = await parse();
  const json = JSON.stringify(value);
  // Kept only when JSON gives back the same value (a field set to undefined would come back missing).
  if (json !== undefined && isDeepStrictEqual(JSON.parse(json), value)) {
    await mkdir(dirname(file), { recursive: true })
      .then(() => writeFileAtomic(file, `{"check":"${sha256(json)}","value":${json}}\n`))
      .catch(() => { /* not kept (a read-only or full cache): parsed again next time */ });
  }
  return value;
}

async function readKept(file: string): Promise<{ value: unknown } | undefined> {
  // Touched before it is read: the record's use keeps it from a concurrent prune (see cache/touch.ts).
  if (!(await touchCacheEntry(file))) return undefined;
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as { check?: unknown; value?: unknown };
    return record.value !== undefined && record.check === sha256(JSON.stringify(record.value)) ? { value: record.value } : undefined;
  } catch {
    return undefined;
  }
}

/** `loadConfig`, through the parse cache (a file that cannot be read gets loadConfig's own error). */
export async function loadConfigCached(file: string, opts: ParseCacheOptions & { architecture: string }): Promise<LoadedConfig> {
  const abs = resolve(file);
  const text = await readFile(abs, 'utf8').catch(() => undefined);
  if (text === undefined) return (await import('../config/load.js')).loadConfig(file, { architecture: opts.architecture });
  const inputs = { file: abs, displayName: file, architecture: opts.architecture };
  return cachedParse('config', text, inputs, opts, async () => (await import('../config/parse.js')).parseConfig(text, inputs));
}

/** `readLock`, through the parse cache: undefined when there is no lock file. */
export async function readLockCached(file: string, opts: ParseCacheOptions): Promise<Lock | undefined> {
  if (!existsSync(file)) return undefined;
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const parser = () => import('../debian/lock-parse.js');
  if (text === undefined) return (await parser()).readLock(file); // its error says why the file cannot be read
  return cachedParse('lock', text, { file }, opts, async () => (await parser()).parseLock(text, file));
}

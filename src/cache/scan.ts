// Reads the prunable entries of the cache: each with its files, size, last use (newest mtime of its files) and, for
// records, the content digests it names.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { treeBytes } from './du.js';
import { CONTENT_STORES, RECORD_FOLDERS, TREE_FOLDERS, type EntryKind } from './layout.js';
import type { PruneCandidate } from './select.js';

/** A prunable entry and the paths that make it up (removed together). */
export interface CacheEntry extends PruneCandidate {
  paths: string[];
}

function list(dir: string): string[] {
  try { return readdirSync(dir).sort(); } catch { return []; }
}

function mtimeOf(path: string): number {
  try { return lstatSync(path).mtimeMs; } catch { return 0; }
}

/** One entry of several paths: its size (hard links once) and its newest mtime. */
function entryOf(cacheDir: string, kind: EntryKind, paths: string[], extra: Partial<PruneCandidate> = {}): CacheEntry {
  const seen = new Set<string>();
  const size = paths.reduce((n, p) => n + treeBytes(p, seen), 0);
  const lastUse = Math.max(...paths.map(mtimeOf));
  return { id: relative(cacheDir, paths[0]!), kind, size, lastUse, refs: [], paths, ...extra };
}

const HEX = /^(?:sha256:)?([0-9a-f]{64})$/;

/** Hex digests a record names: every string under a `sha256` or `digest` key, at any depth. */
export function referencedDigests(record: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, key?: string): void => {
    if (typeof v === 'string') {
      const m = key === 'sha256' || key === 'digest' ? HEX.exec(v) : null;
      if (m) out.add(m[1]!);
    } else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(record);
  return [...out].sort();
}

function contentEntries(cacheDir: string): CacheEntry[] {
  const out: CacheEntry[] = [];
  for (const store of CONTENT_STORES) {
    const dir = join(cacheDir, ...store.dir);
    const verified = join(cacheDir, ...store.dir.slice(0, -1), 'verified');
    const isHex = (n: string) => n.length === store.hexLength && /^[0-9a-f]+$/.test(n);
    const entries = list(dir).filter(isHex);
    const recordHex = list(verified).map((n) => n.replace(/\.json$/, '')).filter(isHex);
    const records = new Set(recordHex);
    for (const hex of entries) {
      const paths = [join(dir, hex), ...(records.delete(hex) ? [join(verified, `${hex}.json`)] : [])];
      out.push(entryOf(cacheDir, store.kind, paths, { content: hex }));
    }
    // Records whose entry is gone.
    for (const hex of records) out.push(entryOf(cacheDir, store.kind, [join(verified, `${hex}.json`)]));
  }
  return out;
}

function recordEntries(cacheDir: string): CacheEntry[] {
  const out: CacheEntry[] = [];
  for (const kind of RECORD_FOLDERS) {
    const dir = join(cacheDir, kind);
    for (const name of list(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
      const path = join(dir, name);
      let refs: string[] = [];
      try { refs = referencedDigests(JSON.parse(readFileSync(path, 'utf8'))); } catch { /* unreadable: names nothing */ }
      out.push(entryOf(cacheDir, kind, [path], { refs }));
    }
  }
  return out;
}

const TREE_PART = /^([0-9a-f]{32}|[0-9a-f]{64})(\.tar|\.tar\.sha256|\.ok)?$/;

function treeEntries(cacheDir: string): CacheEntry[] {
  const out: CacheEntry[] = [];
  for (const tree of TREE_FOLDERS) {
    const dir = join(cacheDir, ...tree.dir);
    const byKey = new Map<string, string[]>();
    for (const name of list(dir)) {
      const m = TREE_PART.exec(name);
      if (m) byKey.set(m[1]!, [...(byKey.get(m[1]!) ?? []), join(dir, name)]);
    }
    for (const paths of byKey.values()) out.push(entryOf(cacheDir, tree.kind, paths));
  }
  return out;
}

/** Every prunable entry of the cache (temp files, locks, apt lists and language caches are not entries). */
export function scanEntries(cacheDir: string): CacheEntry[] {
  return [...contentEntries(cacheDir), ...recordEntries(cacheDir), ...treeEntries(cacheDir)];
}

// `airlock cache du`: bytes per kind, counted as `du -sb` counts (apparent sizes of every file, folder and link,
// each hard-linked inode once; links are not followed, so a linked-in folder counts as the link).
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { USAGE_KINDS, usageKindOf, type UsageKind } from './layout.js';

/** Bytes of the cache by kind, and the total (hard links counted once across kinds too). */
export interface CacheUsage {
  kinds: Record<UsageKind, number>;
  total: number;
}

/** Inodes seen so far (only multiply-linked files can be met twice). */
export type Seen = Set<string>;

/** `du -sb PATH`: apparent bytes under a path, counting an inode already in `seen` (and in `alsoSeen`) once. */
export function treeBytes(path: string, seen: Seen = new Set(), alsoSeen?: { set: Seen; bytes: number }): number {
  let bytes = 0;
  const stack = [path];
  while (stack.length) {
    const p = stack.pop()!;
    let st;
    try { st = lstatSync(p); } catch { continue; /* removed meanwhile */ }
    const id = !st.isDirectory() && st.nlink > 1 ? `${st.dev}:${st.ino}` : undefined;
    if (id === undefined || !seen.has(id)) {
      if (id !== undefined) seen.add(id);
      bytes += st.size;
    }
    if (alsoSeen && (id === undefined || !alsoSeen.set.has(id))) {
      if (id !== undefined) alsoSeen.set.add(id);
      alsoSeen.bytes += st.size;
    }
    if (st.isDirectory()) {
      let names: string[] = [];
      try { names = readdirSync(p); } catch { /* unreadable: counted as du would, without its contents */ }
      for (const n of names) stack.push(join(p, n));
    }
  }
  return bytes;
}

/** Reads the size of every kind; a cache that does not exist is empty. */
export function cacheUsage(cacheDir: string): CacheUsage {
  const kinds = Object.fromEntries(USAGE_KINDS.map((k) => [k, 0])) as Record<UsageKind, number>;
  let root;
  try { root = lstatSync(cacheDir); } catch { return { kinds, total: 0 }; }
  const all = { set: new Set<string>(), bytes: root.size };
  const perKind = new Map<UsageKind, Seen>();
  for (const name of root.isDirectory() ? readdirSync(cacheDir).sort() : []) {
    const kind = usageKindOf(name);
    if (!perKind.has(kind)) perKind.set(kind, new Set());
    kinds[kind] += treeBytes(join(cacheDir, name), perKind.get(kind), all);
  }
  return { kinds, total: all.bytes };
}

// Reuses layers across builds: a layer whose inputs have a known key is read back from the blob cache.
import { mkdir, readFile } from 'node:fs/promises';
import { readFileSized } from '../sinks/blob-store.js';
import { join } from 'node:path';
import { touchCacheEntry } from '../cache/touch.js';
import type { BlobStore } from '../image/blob-store.js';
import type { Digest } from '../image/digest.js';
import { LAYER_FORMAT, layerFromBlob, type BuiltLayer, type Layer } from '../image/layer.js';
import type { FileEntry } from '../image/entry.js';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../files/atomic.js';

interface LayerMeta { mediaType: string; digest: Digest; size: number; diffId: Digest; uncompressedSize?: number; entryCount: number; special: string[] }

/** Returns the cached layer for `key` when its blob is still in the store, else builds and records it. */
export async function cachedLayer(cacheDir: string, store: BlobStore, key: string, build: () => Promise<BuiltLayer>): Promise<BuiltLayer & { reused: boolean }> {
  const metaFile = join(cacheDir, 'layers', `${key}.json`);
  // Touched before it is read: the record's use also keeps the blob it names from a concurrent prune (src/cache/).
  const known = (await touchCacheEntry(metaFile)) ? await readFile(metaFile, 'utf8').catch(() => '') : '';
  try {
    const meta = JSON.parse(known) as LayerMeta;
    if (await store.has(meta.digest)) {
      const layer: Layer = layerFromBlob({ ...meta, open: () => store.open(meta.digest), file: store.path?.(meta.digest) });
      return { layer, entryCount: meta.entryCount, special: meta.special, reused: true };
    }
  } catch { /* not cached */ }
  const built = await build();
  const l = built.layer;
  const meta: LayerMeta = { mediaType: l.mediaType, digest: l.digest, size: l.size, diffId: l.diffId, ...(l.uncompressedSize !== undefined ? { uncompressedSize: l.uncompressedSize } : {}), entryCount: built.entryCount, special: built.special };
  await mkdir(join(cacheDir, 'layers'), { recursive: true });
  await writeFileAtomic(metaFile, JSON.stringify(meta) + '\n');
  return { ...built, reused: false };
}

/**
 * A key for a layer made of these entries: every header field a tar entry carries and the sha256 of every file's
 * content, in path order (`known`: the sha256 of an entry's content when the caller holds it). Hashing is far cheaper
 * than writing and compressing a layer again.
 */
export async function entriesKey(
  entries: readonly FileEntry[], epoch: number, format = LAYER_FORMAT, known?: (e: FileEntry) => string | undefined,
): Promise<string> {
  const h = createHash('sha256').update(`${format}\0${epoch}\n`);
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    h.update(`${e.path}\0${e.type}\0${e.mode}\0${e.uid}\0${e.gid}\0${e.size}\0${e.linkname ?? ''}\0`);
    // A content digest the caller holds for this very entry (a runtime set's file, by its kept digests) is not read.
    const sha256 = e.type === 'file' && e.open ? known?.(e) : undefined;
    if (sha256 !== undefined) h.update(sha256);
    else if (e.type === 'file' && e.open) {
      const c = createHash('sha256');
      for await (const chunk of e.open()) c.update(chunk);
      h.update(c.digest('hex'));
    }
    h.update('\n');
  }
  return h.digest('hex');
}

type ListedEntry = [path: string, type: FileEntry['type'], mode: number, uid: number, gid: number, size: number, linkname?: string];

/**
 * The listing of a tree that never changes once made under its key (the builder rootfs), walked once and then read
 * back from `<cache>/layers/<key>.list.json`: a rebuild need not lstat twelve thousand files again. `fresh` walks
 * even when a listing is recorded (--no-cache).
 */
export async function cachedListing(cacheDir: string, key: string, dir: string, walk: () => Promise<FileEntry[]>, fresh = false): Promise<FileEntry[]> {
  const file = join(cacheDir, 'layers', `${key}.list.json`);
  const known = !fresh && (await touchCacheEntry(file)) ? await readFile(file, 'utf8').catch(() => '') : '';
  try {
    const rows = JSON.parse(known) as ListedEntry[];
    if (Array.isArray(rows) && rows.length > 0) {
      return rows.map(([path, type, mode, uid, gid, size, linkname]) => ({
        path, type, mode, uid, gid, size, ...(linkname !== undefined ? { linkname } : {}),
        ...(type === 'file' ? { open: () => readFileSized(join(dir, path), size) } : {}),
      }));
    }
  } catch { /* not recorded yet, or damaged: walk again */ }
  const entries = await walk();
  const rows = entries.map((e): ListedEntry => {
    const row: ListedEntry = [e.path, e.type, e.mode, e.uid, e.gid, e.size];
    if (e.linkname !== undefined) row[6] = e.linkname;
    return row;
  });
  await mkdir(join(cacheDir, 'layers'), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(rows)}\n`);
  return entries;
}

// Reuses layers across builds: a layer whose inputs have a known key is read back from the blob cache.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { touchCacheEntry } from '../cache/touch.js';
import type { BlobStore } from '../image/blob-store.js';
import type { Digest } from '../image/digest.js';
import { layerFromBlob, type BuiltLayer, type Layer } from '../image/layer.js';
import { writeFileAtomic } from '../sinks/atomic.js';

interface LayerMeta { mediaType: string; digest: Digest; size: number; diffId: Digest; uncompressedSize?: number; entryCount: number; special: string[] }

/** Returns the cached layer for `key` when its blob is still in the store, else builds and records it. */
export async function cachedLayer(cacheDir: string, store: BlobStore, key: string, build: () => Promise<BuiltLayer>): Promise<BuiltLayer & { reused: boolean }> {
  const metaFile = join(cacheDir, 'layers', `${key}.json`);
  // Touched before it is read: the record's use also keeps the blob it names from a concurrent prune (src/cache/).
  const known = (await touchCacheEntry(metaFile)) ? await readFile(metaFile, 'utf8').catch(() => '') : '';
  try {
    const meta = JSON.parse(known) as LayerMeta;
    if (await store.has(meta.digest)) {
      const layer: Layer = layerFromBlob({ ...meta, open: () => store.open(meta.digest) });
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

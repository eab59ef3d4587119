// Layers: built from entries through the tar writer and pinned gzip, digests computed once while streaming.
import type { BlobStore } from './blob-store.js';
import { decompress } from './decompress.js';
import { Hasher, tee, type Digest } from './digest.js';
import type { FileEntry } from './entry.js';
import { gzipStream, type GzipLevel } from './gzip.js';
import { MediaType } from './media-types.js';
import type { PlanOptions } from './tar-plan.js';
import { readTar, type TarItem, type TarLimits } from './tar-read.js';
import { writeTar } from './tar-write.js';

/** Names how layer bytes are produced (tar writer + gzip scheme); put it in every cache key of built layers, so a
 *  change of scheme never mixes old cached digests with new fresh ones. */
export const LAYER_FORMAT = 'airlock-ustar-1+pako-2.1.0-l9-block-1MiB';

/** The layer format at another deflate level (LAYER_FORMAT is level 9's). */
export function layerFormat(level: GzipLevel = 9): string {
  return LAYER_FORMAT.replace('-l9-', `-l${level}-`);
}

/** An image layer: compressed blob identity, uncompressed identity (diffID), and an opener. */
export interface Layer {
  readonly mediaType: string;
  /** Digest and size of the blob as stored (compressed). */
  readonly digest: Digest;
  readonly size: number;
  /** sha256 of the uncompressed tar. */
  readonly diffId: Digest;
  /** Length of the uncompressed tar when known (undefined for layers read from elsewhere). */
  readonly uncompressedSize: number | undefined;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Streams the stored (compressed) bytes. */
  open(): AsyncIterable<Uint8Array>;
  /** A file holding exactly the stored bytes, when the blob lies in one (a writer may copy it off this thread). */
  readonly file?: string;
}

/** Options for building a layer from entries. */
export interface LayerOptions extends PlanOptions {
  /** SOURCE_DATE_EPOCH: mtime of every entry. */
  epoch: number;
  store: BlobStore;
  /** gzip (default) or an uncompressed tar layer. */
  compression?: 'gzip' | 'none';
  /** The gzip level (default 9); name it in the layer's cache key (`layerFormat`). */
  level?: GzipLevel;
}

/** A built layer and what the writer found on the way. */
export interface BuiltLayer {
  layer: Layer;
  /** setuid/setgid files in the layer. */
  special: string[];
  /** Number of tar entries, including inserted parent directories. */
  entryCount: number;
}

/** Writes entries as a deterministic layer into `store`; streams, never holds the layer in memory. */
export async function layerFromEntries(entries: readonly FileEntry[], opts: LayerOptions): Promise<BuiltLayer> {
  const tar = writeTar(entries, opts.epoch, opts);
  const diff = new Hasher();
  const plain = tee(tar.stream, diff);
  const gz = (opts.compression ?? 'gzip') === 'gzip';
  const { digest, size } = await opts.store.put(gz ? gzipStream(plain, opts.level ? { level: opts.level } : {}) : plain);
  const layer = layerFromBlob({
    mediaType: gz ? MediaType.layerGzip : MediaType.layer,
    digest, size, diffId: diff.digest(), uncompressedSize: diff.size,
    open: () => opts.store.open(digest),
    file: opts.store.path?.(digest),
  });
  return { layer, special: tar.special, entryCount: tar.entries.length };
}

/** Wraps an existing blob as a Layer (the caller vouches for the digests; validate() checks them). */
export function layerFromBlob(l: {
  mediaType: string; digest: Digest; size: number; diffId: Digest; uncompressedSize?: number;
  annotations?: Record<string, string>; open: () => AsyncIterable<Uint8Array>; file?: string | undefined;
}): Layer {
  const layer: Layer = {
    mediaType: l.mediaType, digest: l.digest, size: l.size, diffId: l.diffId,
    uncompressedSize: l.uncompressedSize, open: l.open, ...(l.file !== undefined ? { file: l.file } : {}),
    ...(l.annotations && Object.keys(l.annotations).length ? { annotations: Object.freeze({ ...l.annotations }) } : {}),
  };
  return Object.freeze(layer);
}

/** The uncompressed tar stream of a layer (compression detected by magic bytes). */
export function uncompressedStream(layer: Layer): AsyncIterable<Uint8Array> {
  return decompress(layer.open(), `layer ${layer.digest}`);
}

/** Reads a layer's entries with path-safety checks and limits. */
export function layerItems(layer: Layer, limits?: TarLimits): AsyncGenerator<TarItem> {
  return readTar(uncompressedStream(layer), { where: `layer ${layer.digest}`, ...(limits ? { limits } : {}) });
}

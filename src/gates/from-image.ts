// Builds an ImageFs from an image of the image engine (layers re-read through the tar reader on demand).
import { ByteReader } from '../image/byte-reader.js';
import type { Image } from '../image/image.js';
import { layerItems, type Layer } from '../image/layer.js';
import { readTar, type TarItem, type TarLimits } from '../image/tar-read.js';
import { isZstd, zstdStream } from './zstd.js';
import { buildImageFs } from './fs-view.js';
import { DEFAULT_FS_LIMITS, type FsLimits, type ImageFs, type LayerSource } from './fs-types.js';

// Entries of a layer: gzip and plain tar through the engine; zstd decoded here (the engine's decompressor lacks it).
async function* items(layer: Layer, limits: TarLimits, known: { zstd?: boolean }): AsyncGenerator<TarItem> {
  const where = `layer ${layer.digest}`;
  if (known.zstd === undefined) {
    if (layer.mediaType.endsWith('+zstd')) known.zstd = true;
    else {
      const r = new ByteReader(layer.open());
      known.zstd = isZstd(await r.peek(4));
      await r.close();
    }
  }
  if (!known.zstd) { yield* layerItems(layer, limits); return; }
  yield* readTar(zstdStream(layer.open(), where), { where, limits });
}

/** One layer of an engine image as a re-openable LayerSource (decompressed and tar-parsed with limits). */
export function imageLayerSource(img: Image, index: number, limits: FsLimits = DEFAULT_FS_LIMITS): LayerSource {
  const layer = img.layers[index]!;
  const known: { zstd?: boolean } = {};
  return {
    name: `layer ${index} (${layer.digest.slice(0, 19)})`,
    async *open() {
      for await (const item of items(layer, { maxEntries: limits.maxEntries, maxBytes: limits.maxBytes }, known)) {
        yield { entry: item.entry, read: () => item.body };
      }
    },
  };
}

/** The merged file system of an engine image, with its config. */
export function imageFsFromImage(img: Image, limits: FsLimits = DEFAULT_FS_LIMITS): Promise<ImageFs> {
  return buildImageFs(img.layers.map((_, i) => imageLayerSource(img, i, limits)), img.config, limits);
}

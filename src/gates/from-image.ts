// Builds an ImageFs from an image of the image engine (layers re-read through the tar reader on demand).
import type { Image } from '../image/image.js';
import { layerItems } from '../image/layer.js';
import { buildImageFs } from './fs-view.js';
import { DEFAULT_FS_LIMITS, type FsLimits, type ImageFs, type LayerSource } from './fs-types.js';

/** One layer of an engine image as a re-openable LayerSource (decompressed and tar-parsed with limits). */
export function imageLayerSource(img: Image, index: number, limits: FsLimits = DEFAULT_FS_LIMITS): LayerSource {
  const layer = img.layers[index]!;
  return {
    name: `layer ${index} (${layer.digest.slice(0, 19)})`,
    async *open() {
      for await (const item of layerItems(layer, { maxEntries: limits.maxEntries, maxBytes: limits.maxBytes })) {
        yield { entry: item.entry, read: () => item.body };
      }
    },
  };
}

/** The merged file system of an engine image, with its config. */
export function imageFsFromImage(img: Image, limits: FsLimits = DEFAULT_FS_LIMITS): Promise<ImageFs> {
  return buildImageFs(img.layers.map((_, i) => imageLayerSource(img, i, limits)), img.config, limits);
}

// Builds an ImageFs from an image of the image engine (layers re-read through the tar reader on demand;
// gzip, zstd and plain layers are decompressed by the engine).
import type { Image } from '../image/image.js';
import { decompress } from '../image/decompress.js';
import type { Layer } from '../image/layer.js';
import { readTar, type TarItem, type TarLimits } from '../image/tar-read.js';
import { dropSpecialFiles } from './tar-filter.js';
import { buildImageFs } from './fs-view.js';
import { DEFAULT_FS_LIMITS, type FsLimits, type ImageFs, type LayerSource } from './fs-types.js';

// Entries of a layer; device nodes and fifos are dropped and reported through `dropped`.
function items(layer: Layer, limits: TarLimits, dropped: (what: string) => void): AsyncGenerator<TarItem> {
  const where = `layer ${layer.digest}`;
  return readTar(dropSpecialFiles(decompress(layer.open(), where), dropped), { where, limits });
}

/** One layer of an engine image as a re-openable LayerSource (decompressed and tar-parsed with limits). */
export function imageLayerSource(img: Image, index: number, limits: FsLimits = DEFAULT_FS_LIMITS): LayerSource {
  const layer = img.layers[index]!;
  const problems: string[] = [];
  const name = `layer ${index} (${layer.digest.slice(0, 19)})`;
  const dropped = (what: string) => { const p = `${name}: ${what} skipped (device nodes and fifos are not image content)`; if (!problems.includes(p)) problems.push(p); };
  return {
    problems,
    name,
    async *open() {
      for await (const item of items(layer, { maxEntries: limits.maxEntries, maxBytes: limits.maxBytes }, dropped)) {
        yield { entry: item.entry, read: () => item.body };
      }
    },
  };
}

/** The merged file system of an engine image, with its config. */
export function imageFsFromImage(img: Image, limits: FsLimits = DEFAULT_FS_LIMITS): Promise<ImageFs> {
  return buildImageFs(img.layers.map((_, i) => imageLayerSource(img, i, limits)), img.config, limits);
}

// A summary of an image for `airlock inspect`: identity, config, layers with sizes and file counts.
import type { Digest } from './digest.js';
import type { Image } from './image.js';
import { uncompressedStream, type Layer } from './layer.js';
import { readTar, type TarLimits } from './tar-read.js';

/** One layer in a summary. */
export interface LayerSummary {
  digest: Digest;
  diffId: Digest;
  mediaType: string;
  size: number;
  uncompressedSize: number;
  files: number;
}

/** What `inspect` reports. */
export interface ImageSummary {
  digest: Digest;
  mediaType: string;
  configDigest: Digest;
  architecture: string;
  os: string;
  created?: string;
  config: {
    User?: string; Entrypoint?: string[]; Cmd?: string[]; Env?: string[]; WorkingDir?: string;
    ExposedPorts?: string[]; Labels?: Record<string, string>;
  };
  annotations?: Record<string, string>;
  layers: LayerSummary[];
  totalSize: number;
  totalUncompressedSize: number;
  /** Entries of all layers (files, dirs, links), as in the tars. */
  fileCount: number;
}

/** Reads every layer once (streamed) to count entries and uncompressed bytes. */
export async function summarizeImage(img: Image, limits?: TarLimits): Promise<ImageSummary> {
  const layers: LayerSummary[] = [];
  for (const l of img.layers) {
    const { files, bytes } = await countLayer(l, limits);
    layers.push({ digest: l.digest, diffId: l.diffId, mediaType: l.mediaType, size: l.size, uncompressedSize: bytes, files });
  }
  const c = img.config.config ?? {};
  const config: ImageSummary['config'] = {};
  if (c.User !== undefined) config.User = c.User;
  if (c.Entrypoint) config.Entrypoint = c.Entrypoint;
  if (c.Cmd) config.Cmd = c.Cmd;
  if (c.Env) config.Env = c.Env;
  if (c.WorkingDir) config.WorkingDir = c.WorkingDir;
  if (c.ExposedPorts) config.ExposedPorts = Object.keys(c.ExposedPorts).sort();
  if (c.Labels) config.Labels = c.Labels;
  return {
    digest: img.digest, mediaType: img.manifest.mediaType, configDigest: img.configDigest,
    architecture: img.config.architecture, os: img.config.os,
    ...(img.config.created ? { created: img.config.created } : {}),
    config,
    ...(img.manifest.annotations ? { annotations: img.manifest.annotations } : {}),
    layers,
    totalSize: layers.reduce((s, l) => s + l.size, 0),
    totalUncompressedSize: layers.reduce((s, l) => s + l.uncompressedSize, 0),
    fileCount: layers.reduce((s, l) => s + l.files, 0),
  };
}

/** Counts a layer's tar entries and its full uncompressed length (including the end-of-archive padding). */
export async function countLayer(l: Layer, limits?: TarLimits): Promise<{ files: number; bytes: number }> {
  const inner = uncompressedStream(l)[Symbol.asyncIterator]();
  let bytes = 0;
  const counted: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => { const r = await inner.next(); if (!r.done) bytes += r.value.length; return r; },
      return: async () => ({ done: true as const, value: undefined }),
    }),
  };
  let files = 0;
  for await (const _ of readTar(counted, { where: `layer ${l.digest}`, ...(limits ? { limits } : {}) })) files++;
  for (let r = await inner.next(); !r.done; r = await inner.next()) bytes += r.value.length;
  return { files, bytes };
}

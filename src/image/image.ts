// Immutable images: built from layers and config, or assembled from stored bytes; transforms return new images.
import { AirlockError } from '../errors.js';
import { configBytes, exposedPorts, rfc3339, type ConfigFile, type HistoryEntry, type RuntimeConfig } from './config.js';
import type { Descriptor } from './descriptor.js';
import { sha256, type Digest } from './digest.js';
import { parseJsonBytes } from './json.js';
import { layerFromBlob, type Layer } from './layer.js';
import { manifestBytes, parseManifest, type Manifest } from './manifest.js';
import { MediaType } from './media-types.js';

/** An image: its manifest and config as exact bytes (hashed once) plus its layers. */
export interface Image {
  readonly manifest: Manifest;
  readonly manifestBytes: Uint8Array;
  /** Digest of the manifest bytes: the image's identity. */
  readonly digest: Digest;
  readonly config: ConfigFile;
  readonly configBytes: Uint8Array;
  readonly configDigest: Digest;
  readonly layers: readonly Layer[];
}

/** Runtime settings accepted by `newImage` (ports as a list). */
export interface ImageSettings {
  User?: string;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  Labels?: Record<string, string>;
  ExposedPorts?: string[];
  StopSignal?: string;
}

/** Everything `newImage` needs; `epoch` is the only clock. */
export interface NewImageSpec {
  layers: readonly Layer[];
  architecture: string;
  os: string;
  variant?: string;
  epoch: number;
  config: ImageSettings;
  /** One per layer by default ("airlock"); give your own to describe layers. */
  history?: HistoryEntry[];
  annotations?: Record<string, string>;
}

function runtime(s: ImageSettings): RuntimeConfig {
  const { ExposedPorts, ...rest } = s;
  return { ...rest, ...(ExposedPorts?.length ? { ExposedPorts: exposedPorts(ExposedPorts) } : {}) };
}

/** Assembles an image from a config document and layers: serializes config and manifest once. */
export function imageFromConfig(config: ConfigFile, layers: readonly Layer[], annotations?: Record<string, string>): Image {
  const cb = configBytes(config);
  const manifest: Manifest = {
    schemaVersion: 2, mediaType: MediaType.manifest,
    config: { mediaType: MediaType.config, digest: sha256(cb), size: cb.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size, ...(l.annotations ? { annotations: { ...l.annotations } } : {}) })),
    ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
  };
  return imageFromBytes(manifestBytes(manifest), cb, layers, 'new image');
}

/** Builds a new image from layers and settings (deterministic: the same inputs give the same digest). */
export function newImage(spec: NewImageSpec): Image {
  const created = rfc3339(spec.epoch);
  const history = spec.history ?? spec.layers.map(() => ({ created, created_by: 'airlock' }));
  const config: ConfigFile = {
    created, architecture: spec.architecture, os: spec.os,
    ...(spec.variant ? { variant: spec.variant } : {}),
    config: runtime(spec.config),
    rootfs: { type: 'layers', diff_ids: spec.layers.map((l) => l.diffId) },
    history,
  };
  return imageFromConfig(config, spec.layers, spec.annotations);
}

/** Wraps exact manifest and config bytes (as read from a sink) with their layers; checks they agree. */
export function imageFromBytes(mBytes: Uint8Array, cBytes: Uint8Array, layers: readonly Layer[], where: string): Image {
  const manifest = parseManifest(mBytes, where);
  const configDigest = sha256(cBytes);
  if (manifest.config.digest !== configDigest || manifest.config.size !== cBytes.length) {
    throw new AirlockError('image', 'digest-mismatch', `${where}: config bytes do not match the manifest's config descriptor`, { hint: 'the image is damaged' });
  }
  const config = parseJsonBytes(cBytes, `${where}: config`) as ConfigFile;
  const diffIds = config?.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.length !== manifest.layers.length || layers.length !== manifest.layers.length) {
    throw new AirlockError('image', 'bad-config', `${where}: manifest has ${manifest.layers.length} layers, config lists ${diffIds?.length ?? 0} diff_ids, ${layers.length} given`, { hint: 'the image is damaged' });
  }
  manifest.layers.forEach((d, i) => {
    const l = layers[i]!;
    if (l.digest !== d.digest || l.size !== d.size) {
      throw new AirlockError('image', 'digest-mismatch', `${where}: layer ${i} is ${l.digest}, manifest says ${d.digest}`);
    }
  });
  return Object.freeze({
    manifest, manifestBytes: mBytes, digest: sha256(mBytes), config, configBytes: cBytes, configDigest,
    layers: Object.freeze([...layers]),
  });
}

/** Layers for a manifest's descriptors whose blobs come from `open` (diffIDs taken from the config). */
export function layersFromManifest(manifest: Manifest, config: ConfigFile, open: (d: Descriptor) => AsyncIterable<Uint8Array>): Layer[] {
  const diffIds: unknown = config?.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.length !== manifest.layers.length) {
    const listed = Array.isArray(diffIds) ? diffIds.length : 'no';
    throw new AirlockError('image', 'bad-config', `the config lists ${listed} diff_ids for ${manifest.layers.length} layers`, {
      hint: 'the image is damaged',
    });
  }
  return manifest.layers.map((d, i) => layerFromBlob({
    mediaType: d.mediaType, digest: d.digest, size: d.size, diffId: diffIds[i] as Digest,
    ...(d.annotations ? { annotations: d.annotations } : {}), open: () => open(d),
  }));
}

/** The descriptor of an image's manifest. */
export function descriptorOf(img: Image, annotations?: Record<string, string>): Descriptor {
  return { mediaType: img.manifest.mediaType, digest: img.digest, size: img.manifestBytes.length, ...(annotations ? { annotations } : {}) };
}

/** A new image with layers appended (config diff_ids and history extended). */
export function appendLayers(img: Image, layers: readonly Layer[], history?: HistoryEntry[]): Image {
  const c = img.config;
  const added = history ?? layers.map(() => ({ ...(c.created ? { created: c.created } : {}), created_by: 'airlock' }));
  const config: ConfigFile = {
    ...c, rootfs: { type: 'layers', diff_ids: [...c.rootfs.diff_ids, ...layers.map((l) => l.diffId)] },
    history: [...(c.history ?? []), ...added],
  };
  return imageFromConfig(config, [...img.layers, ...layers], img.manifest.annotations);
}

/** A new image with runtime settings replaced field by field (undefined leaves a field as it is). */
export function withConfig(img: Image, patch: ImageSettings): Image {
  const merged: RuntimeConfig = { ...(img.config.config ?? {}) };
  for (const [k, v] of Object.entries(runtime(patch))) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  return imageFromConfig({ ...img.config, config: merged }, img.layers, img.manifest.annotations);
}

/** A new image with manifest annotations merged in. */
export function withAnnotations(img: Image, annotations: Record<string, string>): Image {
  return imageFromConfig(img.config, img.layers, { ...(img.manifest.annotations ?? {}), ...annotations });
}

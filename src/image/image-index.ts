// Image indexes (index.json, multi-platform lists, referrers fallback): type, bytes, parser.
import { AirlockError } from '../errors.js';
import { orderedDescriptor, type Descriptor } from './descriptor.js';
import { jsonBytes, parseJsonBytes, sortedRecord } from './json.js';
import { isDescriptor } from './manifest.js';
import { MediaType } from './media-types.js';

/** An OCI image index. */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** A new index of the given descriptors. */
export function newIndex(manifests: Descriptor[], annotations?: Record<string, string>): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.index, manifests, ...(annotations ? { annotations } : {}) };
}

/** Index bytes with a fixed key order. */
export function indexBytes(ix: ImageIndex): Uint8Array {
  const o = { schemaVersion: 2, mediaType: ix.mediaType } as ImageIndex;
  if (ix.artifactType !== undefined) o.artifactType = ix.artifactType;
  o.manifests = ix.manifests.map(orderedDescriptor);
  if (ix.subject) o.subject = orderedDescriptor(ix.subject);
  if (ix.annotations && Object.keys(ix.annotations).length) o.annotations = sortedRecord(ix.annotations);
  return jsonBytes(o);
}

/** Parses index bytes and checks the shape. */
export function parseIndex(bytes: Uint8Array, where: string): ImageIndex {
  let ix: ImageIndex;
  try { ix = parseJsonBytes(bytes) as ImageIndex; } catch (e) {
    throw new AirlockError('image', 'bad-index', `${where}: index is not JSON`, { cause: e });
  }
  if (ix?.schemaVersion !== 2 || !Array.isArray(ix.manifests) || !ix.manifests.every(isDescriptor)) {
    throw new AirlockError('image', 'bad-index', `${where}: not a schema 2 image index`, { hint: 'the file is damaged or not an OCI index' });
  }
  return ix;
}

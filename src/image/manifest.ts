// Image manifests: type, fixed-key-order bytes, and a shape-checking parser.
import { AirlockError } from '../errors.js';
import { orderedDescriptor, type Descriptor } from './descriptor.js';
import { isDigest } from './digest.js';
import { jsonBytes, parseJsonBytes, sortedRecord } from './json.js';

/** An OCI (or Docker v2 schema 2) image manifest. */
export interface Manifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** Manifest bytes with a fixed key order. */
export function manifestBytes(m: Manifest): Uint8Array {
  const o: Manifest = { schemaVersion: 2, mediaType: m.mediaType } as Manifest;
  if (m.artifactType !== undefined) o.artifactType = m.artifactType;
  o.config = orderedDescriptor(m.config);
  o.layers = m.layers.map(orderedDescriptor);
  if (m.subject) o.subject = orderedDescriptor(m.subject);
  if (m.annotations && Object.keys(m.annotations).length) o.annotations = sortedRecord(m.annotations);
  return jsonBytes(o);
}

/** Checks that `d` looks like a descriptor. */
export function isDescriptor(d: unknown): d is Descriptor {
  const x = d as Descriptor;
  return typeof x === 'object' && x !== null && typeof x.mediaType === 'string' && typeof x.digest === 'string' &&
    isDigest(x.digest) && Number.isSafeInteger(x.size) && x.size >= 0;
}

/** Parses manifest bytes (kept as they are by callers) and checks the shape. */
export function parseManifest(bytes: Uint8Array, where: string): Manifest {
  let m: Manifest;
  try { m = parseJsonBytes(bytes) as Manifest; } catch (e) {
    throw new AirlockError('image', 'bad-manifest', `${where}: manifest is not JSON`, { cause: e });
  }
  if (m?.schemaVersion !== 2 || !isDescriptor(m.config) || !Array.isArray(m.layers) || !m.layers.every(isDescriptor)) {
    throw new AirlockError('image', 'bad-manifest', `${where}: not a schema 2 image manifest`, {
      hint: 'only OCI and Docker v2 schema 2 manifests with sha256 digests are supported',
    });
  }
  return m;
}

// Content descriptors and their fixed-key-order JSON form.
import type { Digest } from './digest.js';
import { sortedRecord } from './json.js';

/** Platform of an index entry. */
export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  variant?: string;
}

/** An OCI content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  data?: string;
  artifactType?: string;
  platform?: Platform;
}

/** Copies a descriptor with keys in the spec's order and annotations sorted (for serialization). */
export function orderedDescriptor(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.urls?.length) out.urls = [...d.urls];
  if (d.artifactType !== undefined) out.artifactType = d.artifactType;
  if (d.data !== undefined) out.data = d.data;
  if (d.platform) {
    const p: Platform = { architecture: d.platform.architecture, os: d.platform.os };
    if (d.platform['os.version'] !== undefined) p['os.version'] = d.platform['os.version'];
    if (d.platform.variant !== undefined) p.variant = d.platform.variant;
    out.platform = p;
  }
  if (d.annotations && Object.keys(d.annotations).length) out.annotations = sortedRecord(d.annotations);
  return out;
}

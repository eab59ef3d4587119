// cosign's storage model: `.sig` and `.att` manifests whose layers carry signatures and DSSE envelopes.
import { AirlockError } from '../errors.js';
import { bytesStream } from '../image/blob-store.js';
import { sha256 } from '../image/digest.js';
import type { ManifestPut } from '../image/image-store.js';
import { manifestBytes } from '../image/manifest.js';
import { CosignKind, MediaType } from '../image/media-types.js';

/** Media type of a signature layer (the simple-signing payload). */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** Media type of an attestation layer (a DSSE envelope). */
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
/** Layer annotation holding the base64 signature. */
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** Layer annotation naming an attestation's predicate type. */
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';
export const OCI_MANIFEST = MediaType.manifest;
export const OCI_CONFIG = MediaType.config;

/** A blob with its descriptor fields. */
export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Buffer;
  annotations?: Record<string, string>;
}

/** A cosign signature/attestation image: manifest bytes, its digest and every blob it references. */
export interface CosignImage {
  manifestBytes: Buffer;
  digest: string;
  config: Blob;
  layers: Blob[];
}

/** `sha256:<hex>` of bytes. */
export function sha256Digest(bytes: Uint8Array): string {
  return sha256(bytes);
}

/** The tag cosign stores `kind` under for an image digest: `sha256-<hex>.sig` / `.att`. */
export function cosignTag(imageDigest: string, kind: 'sig' | 'att'): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(imageDigest)) throw new AirlockError('internal', 'bad-digest', `not a sha256 digest: ${imageDigest}`);
  return `${imageDigest.replace(':', '-')}.${kind}`;
}

/**
 * What storing a signature (`sig`) or attestation (`att`) image of `imageDigest` puts: the image under its cosign
 * tag, and in a layout cosign's `kind` on its index entry and on the signed image's.
 */
export function cosignPut(imageDigest: string, kind: 'sig' | 'att', image: CosignImage): ManifestPut {
  return {
    tag: cosignTag(imageDigest, kind),
    manifest: { bytes: image.manifestBytes, mediaType: OCI_MANIFEST, digest: image.digest },
    blobs: [image.config, ...image.layers].map((b) => ({ ...b, open: () => bytesStream(b.bytes) })),
    annotations: { [CosignKind.annotation]: kind === 'sig' ? CosignKind.sigs : CosignKind.atts },
    annotate: { digest: imageDigest, annotations: { [CosignKind.annotation]: CosignKind.image } },
  };
}

/** A layer blob. */
export function layerBlob(bytes: Buffer, mediaType: string, annotations: Record<string, string>): Blob {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length, bytes, annotations };
}

/** The signature layer: payload bytes, annotated with the base64 DER signature over them. */
export function signatureLayer(payload: Buffer, signatureB64: string): Blob {
  return layerBlob(payload, SIMPLE_SIGNING_MEDIA_TYPE, { [SIGNATURE_ANNOTATION]: signatureB64 });
}

/** An attestation layer: DSSE envelope bytes, annotated with the predicate type (signature lives inside). */
export function attestationLayer(envelope: Buffer, predicateType: string): Blob {
  return layerBlob(envelope, DSSE_MEDIA_TYPE, { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: predicateType });
}

const desc = (b: Blob) => ({ mediaType: b.mediaType, digest: sha256(b.bytes), size: b.size, ...(b.annotations ? { annotations: b.annotations } : {}) });

/** Builds the manifest (with the image model's fixed key order) and a config as cosign writes it (zero time, diff_ids = layer digests). */
export function cosignImage(layers: Blob[]): CosignImage {
  if (layers.length === 0) throw new AirlockError('internal', 'empty-signature-image', 'a cosign signature image needs at least one layer');
  const zero = '0001-01-01T00:00:00Z';
  const cfg = {
    architecture: '',
    created: zero,
    history: layers.map(() => ({ created: zero })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    config: {},
  };
  const cfgBytes = Buffer.from(JSON.stringify(cfg));
  const config: Blob = { mediaType: OCI_CONFIG, digest: sha256Digest(cfgBytes), size: cfgBytes.length, bytes: cfgBytes };
  const bytes = Buffer.from(manifestBytes({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: desc(config), layers: layers.map(desc) }));
  return { manifestBytes: bytes, digest: sha256Digest(bytes), config, layers };
}

/** Adds layers to an existing signature image, skipping ones with the same digest (cosign appends on re-sign). */
export function appendLayers(existing: Blob[], added: Blob[]): Blob[] {
  const seen = new Set(existing.map((l) => l.digest));
  return [...existing, ...added.filter((l) => !seen.has(l.digest))];
}

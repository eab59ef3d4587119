// Where a signed image and its cosign `.sig`/`.att` images live: a registry or an OCI layout.
import type { CosignImage } from '../cosign.js';

/** Manifest bytes as stored, with their media type and digest. */
export interface StoredManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

/** Read and write access to one repository (registry) or layout folder. */
export interface ImageStore {
  /** Human-readable location for messages. */
  readonly where: string;
  /** Repository name to put in signature payloads (docker-reference). */
  readonly repository: string;
  /** The manifest the user's reference names. */
  resolve(): Promise<StoredManifest>;
  /** A manifest by tag or digest, or undefined when there is none. */
  manifest(reference: string): Promise<StoredManifest | undefined>;
  /** A blob's bytes (not checked: callers verify digests). */
  blob(digest: string): Promise<Buffer>;
  /** Stores a cosign signature or attestation image under `tag`. */
  putCosignImage(tag: string, image: CosignImage, kind: 'sigs' | 'atts'): Promise<void>;
}

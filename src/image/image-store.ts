// Where signing and verification find an image and put its signatures: raw manifests and blobs, read as stored
// (the caller checks digests and reports tampering), and manifests put under a tag. Sinks implement it.

/** Manifest bytes exactly as stored, their media type, and the digest the store names them by. */
export interface StoredManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

/** A blob to store: its digest and size, and an opener (a store reads it at most once). */
export interface BlobSource {
  digest: string;
  size: number;
  open(): AsyncIterable<Uint8Array>;
}

/** A manifest to store, with every blob it references. */
export interface ManifestPut {
  /** The tag to store it under; without one a layout keeps an untagged entry and a registry stores it by digest. */
  tag?: string;
  manifest: StoredManifest;
  blobs: BlobSource[];
  /** Annotations of its entry in a layout's index.json (a registry has no index and ignores them). */
  annotations?: Record<string, string>;
  /** Annotations merged into the layout index entries of another manifest (e.g. the image a signature is for). */
  annotate?: { digest: string; annotations: Record<string, string> };
}

/** Read and write access to one registry repository, OCI layout or docker-archive. */
export interface ImageStore {
  /** Where it is, for messages. */
  readonly where: string;
  /** The repository name that signature payloads and purls give the image. */
  readonly repository: string;
  /** The manifest the user's reference names. */
  resolve(): Promise<StoredManifest>;
  /** A manifest by tag or digest, or undefined when there is none. */
  manifest(reference: string): Promise<StoredManifest | undefined>;
  /** A blob's bytes, not checked against the digest. */
  blob(digest: string): Promise<Buffer>;
  /** Stores a manifest and its blobs (a tag already there is replaced). */
  put(m: ManifestPut): Promise<void>;
}

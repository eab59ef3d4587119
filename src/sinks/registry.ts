// A registry client: one object per host bundling push, pull, tags and referrers over a RegistryTransport.
import type { Digest } from '../image/digest.js';
import type { Image } from '../image/image.js';
import type { Platform } from '../image/descriptor.js';
import type { Log } from '../log.js';
import { noCredentials, type CredentialSource } from './registry-auth.js';
import { RegistryTransport } from './registry-http.js';
import { blobBytes, findManifest, getManifest, listTags, pullImage, type Manifested } from './registry-pull.js';
import { deleteManifest, pushBlob, pushImage, pushManifest, pushReferrer, type PushBlob, type PushOptions } from './registry-push.js';

/** Options for `registryClient`. */
export interface RegistryClientOptions {
  insecure?: boolean;
  credentials?: CredentialSource;
  retries?: number;
  backoffMs?: number;
  timeoutMs?: number;
  log?: Log;
}

/** The operations airlock needs from a registry. */
export interface RegistryClient {
  readonly host: string;
  push(repo: string, tag: string | undefined, img: Image, opts?: PushOptions): Promise<Digest>;
  pull(repo: string, reference: string, platform?: Platform): Promise<Image>;
  /** All tags, sorted; `pageSize` sets the `n` of each page request. */
  tags(repo: string, pageSize?: number): Promise<string[]>;
  pushBlob(repo: string, blob: PushBlob, opts?: PushOptions): Promise<'exists' | 'mounted' | 'uploaded'>;
  /** Pushes an artifact manifest with `subject` plus its blobs; keeps the referrers fallback tag up to date. */
  pushReferrer(repo: string, manifestBytes: Uint8Array, blobs: PushBlob[], opts?: PushOptions): Promise<Digest>;
  manifest(repo: string, reference: string): Promise<Manifested>;
  /** A manifest, or undefined when the registry has none (404). */
  findManifest(repo: string, reference: string): Promise<Manifested | undefined>;
  /** PUTs manifest bytes as they are under a tag or digest; returns their digest. */
  pushManifest(repo: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<Digest>;
  /** A whole blob, not checked against its digest (verification reports tampering itself). */
  blobBytes(repo: string, digest: string): Promise<Uint8Array>;
  /** DELETEs a manifest by digest (and with it every tag that points to it). */
  deleteManifest(repo: string, digest: Digest): Promise<void>;
}

/** Creates a client for `host` (e.g. "127.0.0.1:5000"). */
export function registryClient(host: string, opts: RegistryClientOptions = {}): RegistryClient {
  const t = new RegistryTransport(host, {
    credentials: opts.credentials ?? noCredentials,
    ...(opts.insecure !== undefined ? { insecure: opts.insecure } : {}),
    ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
    ...(opts.backoffMs !== undefined ? { backoffMs: opts.backoffMs } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  return {
    host,
    push: (repo, tag, img, o) => pushImage(t, repo, tag, img, { ...(opts.log ? { log: opts.log } : {}), ...o }),
    pull: (repo, ref, platform) => pullImage(t, repo, ref, platform),
    tags: (repo, pageSize) => listTags(t, repo, pageSize),
    pushBlob: (repo, blob, o) => pushBlob(t, repo, blob, o),
    pushReferrer: (repo, bytes, blobs, o) => pushReferrer(t, repo, bytes, blobs, o),
    manifest: (repo, ref) => getManifest(t, repo, ref),
    findManifest: (repo, ref) => findManifest(t, repo, ref),
    pushManifest: async (repo, ref, bytes, mediaType) => (await pushManifest(t, repo, ref, bytes, mediaType)).digest,
    blobBytes: (repo, digest) => blobBytes(t, repo, digest),
    deleteManifest: (repo, digest) => deleteManifest(t, repo, digest),
  };
}

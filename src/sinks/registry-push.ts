// Registry push: blobs (HEAD skip, mount, monolithic PUT or chunked PATCH), manifests, referrers fallback tag.
import { AirlockError } from '../errors.js';
import type { Descriptor } from '../image/descriptor.js';
import { hexOf, sha256, type Digest } from '../image/digest.js';
import type { Image } from '../image/image.js';
import { indexBytes, newIndex } from '../image/image-index.js';
import { parseJsonBytes } from '../image/json.js';
import type { Manifest } from '../image/manifest.js';
import { MediaType } from '../image/media-types.js';
import type { Log } from '../log.js';
import { findManifest } from './registry-pull.js';
import { RegistryError, type RegistryTransport } from './registry-http.js';

/** A blob to push: identity plus a re-openable stream. */
export interface PushBlob {
  digest: Digest;
  size: number;
  open(): AsyncIterable<Uint8Array>;
}

/** Options of a push. */
export interface PushOptions {
  /** Try a cross-repository mount from this repository (same registry) before uploading. */
  mountFrom?: string;
  /** Blobs larger than this are sent in PATCH chunks (default 64 MiB). */
  chunkThreshold?: number;
  /** Chunk size for PATCH uploads (default 16 MiB). */
  chunkSize?: number;
  log?: Log;
}

const scopeOf = (repo: string) => `repository:${repo}:pull,push`;

function withQuery(location: string, base: string, q: string): string {
  const u = location.startsWith('http') ? location : base + location;
  return u + (u.includes('?') ? '&' : '?') + q;
}

async function* rechunk(src: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let parts: Uint8Array[] = [];
  let n = 0;
  for await (const c0 of src) {
    let c = c0;
    while (c.length) {
      const take = Math.min(size - n, c.length);
      parts.push(c.subarray(0, take)); n += take; c = c.subarray(take);
      if (n === size) { yield Buffer.concat(parts, n); parts = []; n = 0; }
    }
  }
  if (n) yield Buffer.concat(parts, n);
}

async function blobExists(t: RegistryTransport, repo: string, d: Digest): Promise<boolean> {
  const res = await t.request({ method: 'HEAD', url: `/v2/${repo}/blobs/${d}`, scope: scopeOf(repo), expect: [200, 404] });
  return res.status === 200;
}

async function uploadOnce(t: RegistryTransport, repo: string, blob: PushBlob, opts: PushOptions): Promise<'mounted' | 'uploaded'> {
  const scope = scopeOf(repo);
  const q = opts.mountFrom ? `?mount=${blob.digest}&from=${encodeURIComponent(opts.mountFrom)}` : '';
  const start = await t.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/${q}`, scope, headers: { 'content-length': '0' }, expect: [201, 202] });
  await start.body?.cancel();
  if (start.status === 201) return 'mounted';
  let location = start.headers.get('location');
  if (!location) throw new AirlockError('image', 'registry-protocol', `${t.host}: upload start gave no Location`, { hint: 'the registry does not follow the distribution spec' });
  const threshold = opts.chunkThreshold ?? 64 * 1024 * 1024;
  if (blob.size <= threshold) {
    const res = await t.request({
      method: 'PUT', url: withQuery(location, t.base, `digest=${blob.digest}`), scope, expect: [201],
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) }, body: () => blob.open(),
    });
    await res.body?.cancel();
    return 'uploaded';
  }
  let offset = 0;
  for await (const chunk of rechunk(blob.open(), opts.chunkSize ?? 16 * 1024 * 1024)) {
    const res = await t.request({
      method: 'PATCH', url: location.startsWith('http') ? location : t.base + location, scope, expect: [202],
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(chunk.length), 'content-range': `${offset}-${offset + chunk.length - 1}` },
      body: () => chunk,
    });
    await res.body?.cancel();
    location = res.headers.get('location') ?? location;
    offset += chunk.length;
    opts.log?.progress(`upload ${blob.digest.slice(7, 19)}`, offset, blob.size);
  }
  const done = await t.request({ method: 'PUT', url: withQuery(location, t.base, `digest=${blob.digest}`), scope, expect: [201], headers: { 'content-length': '0' } });
  await done.body?.cancel();
  return 'uploaded';
}

/** Pushes one blob unless the registry has it; a failed upload is restarted (up to 3 times) from a fresh session. */
export async function pushBlob(t: RegistryTransport, repo: string, blob: PushBlob, opts: PushOptions = {}): Promise<'exists' | 'mounted' | 'uploaded'> {
  if (await blobExists(t, repo, blob.digest)) return 'exists';
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadOnce(t, repo, blob, opts);
    } catch (e) {
      if (await blobExists(t, repo, blob.digest).catch(() => false)) return 'uploaded';
      if (attempt >= 3 || (e instanceof RegistryError && e.status < 500 && e.status !== 404 && e.status !== 416)) throw e;
      opts.log?.warn(`upload of ${blob.digest} failed (${(e as Error).message}); starting a new upload`);
    }
  }
}

/**
 * Deletes a manifest by digest (the registry drops every tag that points to it; its blobs go at the registry's own
 * garbage collection). A registry with deletes turned off answers 405 UNSUPPORTED.
 */
export async function deleteManifest(t: RegistryTransport, repo: string, digest: Digest): Promise<void> {
  const url = `/v2/${repo}/manifests/${digest}`;
  try {
    await t.request({ method: 'DELETE', url, scope: `repository:${repo}:delete`, expect: [202] });
  } catch (e) {
    if (!(e instanceof RegistryError) || e.status !== 405) throw e;
    throw new AirlockError('image', 'registry-delete-disabled', `${t.host}/${repo}: the registry does not allow deletes`, {
      cause: e, hint: 'enable deletes in the registry (distribution: storage.delete.enabled, REGISTRY_STORAGE_DELETE_ENABLED=true)',
    });
  }
}

/** PUTs manifest bytes as they are; checks the registry's digest; returns whether it answered with OCI-Subject. */
export async function pushManifest(t: RegistryTransport, repo: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<{ digest: Digest; ociSubject: boolean }> {
  const digest = sha256(bytes);
  const res = await t.request({
    method: 'PUT', url: `/v2/${repo}/manifests/${reference}`, scope: scopeOf(repo), expect: [201, 200],
    headers: { 'content-type': mediaType, 'content-length': String(bytes.length) }, body: () => bytes,
  });
  await res.body?.cancel();
  const got = res.headers.get('docker-content-digest');
  if (got && got !== digest) {
    throw new AirlockError('image', 'digest-mismatch', `${t.host}/${repo}: registry stored the manifest as ${got}, expected ${digest}`, { hint: 'the registry rewrote the manifest; it must store the exact bytes' });
  }
  return { digest, ociSubject: res.headers.has('oci-subject') };
}

/** Pushes an image: layers, config, then the manifest under `tag` (or by digest). Returns the manifest digest. */
export async function pushImage(t: RegistryTransport, repo: string, tag: string | undefined, img: Image, opts: PushOptions = {}): Promise<Digest> {
  for (const [i, l] of img.layers.entries()) {
    const r = await pushBlob(t, repo, l, opts);
    opts.log?.info(`layer ${i + 1}/${img.layers.length} ${l.digest.slice(0, 19)} ${r}`);
  }
  await pushBlob(t, repo, { digest: img.configDigest, size: img.configBytes.length, open: async function* () { yield img.configBytes; } }, opts);
  const { digest } = await pushManifest(t, repo, tag ?? img.digest, img.manifestBytes, img.manifest.mediaType);
  return digest;
}

/** The referrers fallback tag for a subject digest (`sha256-<hex>`). */
export function fallbackTag(subject: Digest): string {
  return `sha256-${hexOf(subject)}`;
}

/** Pushes an artifact manifest (with `subject`) and its blobs, then maintains the referrers fallback index when needed. */
export async function pushReferrer(t: RegistryTransport, repo: string, manifestBytesIn: Uint8Array, blobs: PushBlob[], opts: PushOptions = {}): Promise<Digest> {
  const m = parseJsonBytes(manifestBytesIn) as Manifest;
  for (const b of blobs) await pushBlob(t, repo, b, opts);
  const { digest, ociSubject } = await pushManifest(t, repo, sha256(manifestBytesIn), manifestBytesIn, m.mediaType);
  if (m.subject && !ociSubject) {
    const desc: Descriptor = { mediaType: m.mediaType, digest, size: manifestBytesIn.length, artifactType: m.artifactType ?? m.config.mediaType, ...(m.annotations ? { annotations: m.annotations } : {}) };
    await addToFallbackIndex(t, repo, m.subject.digest, desc);
  }
  return digest;
}

/** Adds a descriptor to the `sha256-<hex>` fallback index of `subject` (no duplicates). */
export async function addToFallbackIndex(t: RegistryTransport, repo: string, subject: Digest, desc: Descriptor): Promise<void> {
  const tag = fallbackTag(subject);
  const current = await findManifest(t, repo, tag, [MediaType.index]);
  const ix = current ? (parseJsonBytes(current.bytes) as ReturnType<typeof newIndex>) : newIndex([]);
  if (ix.manifests.some((d) => d.digest === desc.digest)) return;
  ix.manifests = [...ix.manifests, desc];
  await pushManifest(t, repo, tag, indexBytes(ix), MediaType.index);
}

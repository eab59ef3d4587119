// An ImageStore over the OCI distribution API (HTTP, no auth: local and CI registries).
import { AirlockError } from '../../errors.js';
import { OCI_MANIFEST, sha256Digest, type Blob, type CosignImage } from '../cosign.js';
import type { ImageStore, StoredManifest } from './store.js';

const ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/** Opens `host/repository` over https, or http with `insecure`. */
/** A registry store that can also push arbitrary blobs and manifests. */
export interface RegistryStore extends ImageStore {
  putBlob(b: Blob): Promise<void>;
  putManifest(tag: string, bytes: Buffer, mediaType: string): Promise<void>;
}

/** Opens `host/repository` over https, or http with `insecure`. */
export function registryStore(host: string, repository: string, reference: string, insecure: boolean): RegistryStore {
  const base = `${insecure ? 'http' : 'https'}://${host}/v2/${repository}`;
  const where = `${host}/${repository}`;
  const call = async (method: string, url: string, init: RequestInit = {}): Promise<Response> => {
    try {
      return await fetch(url, { method, ...init });
    } catch (cause) {
      throw new AirlockError('image', 'registry-unreachable', `cannot reach registry ${host} (${method} ${url})`, {
        cause,
        hint: insecure ? 'check that the registry is running' : 'for a plain-HTTP registry add --insecure',
      });
    }
  };
  const fail = async (r: Response, what: string): Promise<never> => {
    const body = await r.text().catch(() => '');
    throw new AirlockError('image', 'registry-error', `registry ${host}: ${what} failed with HTTP ${r.status} ${body.slice(0, 200)}`.trim());
  };
  const manifest = async (ref: string): Promise<StoredManifest | undefined> => {
    const r = await call('GET', `${base}/manifests/${ref}`, { headers: { Accept: ACCEPT } });
    if (r.status === 404) return undefined;
    if (!r.ok) return fail(r, `GET manifest ${ref}`);
    const bytes = Buffer.from(await r.arrayBuffer());
    const mediaType = (r.headers.get('content-type') ?? '').split(';')[0]!.trim();
    return { bytes, mediaType, digest: sha256Digest(bytes) };
  };
  const putBlob = async (b: Blob): Promise<void> => {
    const head = await call('HEAD', `${base}/blobs/${b.digest}`);
    if (head.ok) return;
    const start = await call('POST', `${base}/blobs/uploads/`);
    if (start.status !== 202) return fail(start, `start upload of ${b.digest}`);
    const loc = new URL(start.headers.get('location') ?? '', `${base}/`);
    loc.searchParams.set('digest', b.digest);
    const put = await call('PUT', loc.href, { body: new Uint8Array(b.bytes), headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(b.size) } });
    if (put.status !== 201) return fail(put, `upload of ${b.digest}`);
  };
  const putManifest = async (tag: string, bytes: Buffer, mediaType: string): Promise<void> => {
    const r = await call('PUT', `${base}/manifests/${tag}`, { body: new Uint8Array(bytes), headers: { 'Content-Type': mediaType } });
    if (r.status !== 201) return fail(r, `PUT manifest ${tag}`);
  };
  return {
    where,
    putBlob,
    putManifest,
    repository: where,
    async resolve() {
      const m = await manifest(reference);
      if (!m) throw new AirlockError('image', 'image-not-found', `image ${where}:${reference} not found in the registry`, { hint: 'check the repository and tag' });
      return m;
    },
    manifest,
    async blob(digest) {
      const r = await call('GET', `${base}/blobs/${digest}`);
      if (!r.ok) return fail(r, `GET blob ${digest}`);
      return Buffer.from(await r.arrayBuffer());
    },
    async putCosignImage(tag, image) {
      for (const b of [image.config, ...image.layers]) await putBlob(b);
      await putManifest(tag, image.manifestBytes, OCI_MANIFEST);
    },
  };
}

// Registry pull: manifests (digest-verified, platform chosen from indexes), blobs streamed and verified, tag lists.
import { AirlockError } from '../errors.js';
import { collect } from '../image/blob-store.js';
import type { ConfigFile } from '../image/config.js';
import type { Descriptor, Platform } from '../image/descriptor.js';
import { Hasher, isDigest, sha256, type Digest } from '../image/digest.js';
import { imageFromBytes, layersFromManifest, type Image } from '../image/image.js';
import { parseIndex } from '../image/image-index.js';
import { compareBytes, parseJsonBytes } from '../image/json.js';
import { parseManifest } from '../image/manifest.js';
import { MediaType, isIndexType } from '../image/media-types.js';
import { RegistryError, type RegistryTransport } from './registry-http.js';

const scopeOf = (repo: string) => `repository:${repo}:pull`;
const ACCEPT = [MediaType.manifest, MediaType.index, MediaType.dockerManifest, MediaType.dockerManifestList];

/** Manifest bytes as the registry serves them, their media type and digest. */
export interface Manifested { bytes: Uint8Array; mediaType: string; digest: Digest }

/** Fetches manifest bytes by tag or digest; verifies them against the digest asked for or announced. */
export async function getManifest(
  t: RegistryTransport, repo: string, reference: string, accept: string[] = ACCEPT,
): Promise<Manifested> {
  const res = await t.request({ method: 'GET', url: `/v2/${repo}/manifests/${reference}`, scope: scopeOf(repo), headers: { accept: accept.join(', ') }, expect: [200] });
  const bytes = await collect(readBody(res, t.timeoutMs, `${t.host}/${repo}:${reference}`), 8 * 1024 * 1024);
  const digest = sha256(bytes);
  const announced = res.headers.get('docker-content-digest');
  const want = isDigest(reference) ? reference : announced && isDigest(announced) ? announced : undefined;
  if (want && want !== digest) {
    throw new AirlockError('image', 'digest-mismatch', `${t.host}/${repo}:${reference}: manifest hashes to ${digest}, expected ${want}`, { hint: 'the registry or a proxy changed the manifest' });
  }
  const where = `${t.host}/${repo}:${reference}`;
  const parsed = parseJsonBytes(bytes, `manifest ${where}`) as { mediaType?: unknown } | null;
  const announcedType = res.headers.get('content-type') ?? MediaType.manifest;
  const mediaType = typeof parsed?.mediaType === 'string' ? parsed.mediaType : announcedType;
  return { bytes, mediaType, digest };
}

/** `getManifest`, or undefined when the registry has no such manifest (404). */
export async function findManifest(
  t: RegistryTransport, repo: string, reference: string, accept: string[] = ACCEPT,
): Promise<Manifested | undefined> {
  try {
    return await getManifest(t, repo, reference, accept);
  } catch (e) {
    if (e instanceof RegistryError && e.status === 404) return undefined;
    throw e;
  }
}

/**
 * The body of a response, chunk by chunk. A body with no data for `idleMs` fails (a stalled registry must not hang
 * the command), and a consumer that stops early cancels the body so its connection is released.
 */
async function* readBody(res: Response, idleMs: number, what: string): AsyncGenerator<Uint8Array> {
  if (!res.body) return;
  const reader = res.body.getReader();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AirlockError('image', 'registry-stalled', `${what}: no data from the registry for ${idleMs >= 1000 ? `${Math.round(idleMs / 1000)} s` : `${idleMs} ms`}`, { hint: 'the registry or the network stalled; retry' })), idleMs);
      });
      const read = reader.read().catch((cause: unknown) => {
        const message = `${what}: the registry's answer broke off: ${causeText(cause)}`;
        throw new AirlockError('image', 'registry-interrupted', message, {
          cause, hint: 'the connection closed before the whole body arrived; retry',
        });
      });
      const r = await Promise.race([read, stalled]).finally(() => clearTimeout(timer));
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function causeText(e: unknown): string {
  const c = (e as { cause?: { code?: string; message?: string } })?.cause;
  return c?.code ?? c?.message ?? (e as Error)?.message ?? String(e);
}

/** Streams a blob and fails at the end if its digest or size differ from the descriptor. */
export function blobStream(t: RegistryTransport, repo: string, d: Pick<Descriptor, 'digest' | 'size'>): AsyncIterable<Uint8Array> {
  return (async function* () {
    const res = await t.request({ method: 'GET', url: `/v2/${repo}/blobs/${d.digest}`, scope: scopeOf(repo), expect: [200] });
    const h = new Hasher();
    for await (const c of readBody(res, t.timeoutMs, `${t.host}/${repo}: blob ${d.digest}`)) { h.update(c); yield c; }
    if (h.digest() !== d.digest || h.size !== d.size) {
      throw new AirlockError('image', 'digest-mismatch', `${t.host}/${repo}: blob ${d.digest} arrived as ${h.digest()} (${h.size} of ${d.size} bytes)`, { hint: 'retry; the download was damaged' });
    }
  })();
}

/** A whole blob as the registry serves it, not checked: for callers that report a mismatch themselves. */
export async function blobBytes(t: RegistryTransport, repo: string, digest: string): Promise<Uint8Array> {
  const url = `/v2/${repo}/blobs/${digest}`;
  const res = await t.request({ method: 'GET', url, scope: scopeOf(repo), expect: [200] });
  return collect(readBody(res, t.timeoutMs, `${t.host}/${repo}: blob ${digest}`), Number.MAX_SAFE_INTEGER);
}

/** Pulls an image (manifest and config now, layers lazily, every blob digest-verified). */
export async function pullImage(t: RegistryTransport, repo: string, reference: string, platform: Platform = { os: 'linux', architecture: 'amd64' }): Promise<Image> {
  let m = await getManifest(t, repo, reference);
  const where = `${t.host}/${repo}:${reference}`;
  if (isIndexType(m.mediaType)) {
    const ix = parseIndex(m.bytes, where);
    const hit = ix.manifests.find((d) => d.platform?.os === platform.os && d.platform?.architecture === platform.architecture && (!platform.variant || !d.platform?.variant || d.platform.variant === platform.variant));
    if (!hit) throw new AirlockError('image', 'image-not-found', `${where} has no ${platform.os}/${platform.architecture} image`, { hint: 'pick another platform or reference' });
    m = await getManifest(t, repo, hit.digest);
  }
  const manifest = parseManifest(m.bytes, where);
  const cBytes = await collect(blobStream(t, repo, manifest.config), 64 * 1024 * 1024);
  const config = parseJsonBytes(cBytes, `${where}: config`) as ConfigFile;
  return imageFromBytes(m.bytes, cBytes, layersFromManifest(manifest, config, (d) => blobStream(t, repo, d)), where);
}

/** All tags of a repository, following `Link: <…>; rel="next"` pages, sorted. */
export async function listTags(t: RegistryTransport, repo: string, pageSize = 100): Promise<string[]> {
  const tags: string[] = [];
  let url: string | undefined = `/v2/${repo}/tags/list?n=${pageSize}`;
  for (let pages = 0; url && pages < 10_000; pages++) {
    const res = await t.request({ method: 'GET', url, scope: scopeOf(repo), expect: [200] });
    const what = `${t.host}/${repo}: tag list`;
    const bytes = await collect(readBody(res, t.timeoutMs, what), 64 * 1024 * 1024);
    const body = parseJsonBytes(bytes, what) as { tags?: unknown } | null;
    const page = body?.tags ?? [];
    if (!Array.isArray(page) || page.some((x) => typeof x !== 'string')) {
      throw new AirlockError('image', 'registry-bad-response', `${what}: "tags" is not a list of strings`, {
        hint: 'the registry answered with something else than a tag list',
      });
    }
    tags.push(...page);
    const link = res.headers.get('link');
    const next = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
    url = next ? (next.startsWith('http') ? next : next.startsWith('/') ? next : `/${next}`) : undefined;
  }
  return [...new Set(tags)].sort(compareBytes);
}

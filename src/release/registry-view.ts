// What a repository holds, read through the registry API: tags, the digest behind each, and each image's date.
import type { ConfigFile } from '../image/config.js';
import type { Digest } from '../image/digest.js';
import { parseJsonBytes } from '../image/json.js';
import { parseManifest } from '../image/manifest.js';
import { Annotation, isIndexType } from '../image/media-types.js';
import type { RegistryClient } from '../sinks/registry.js';
import { RegistryError } from '../sinks/registry-http.js';

/** The tags of a repository; none when the repository does not exist yet. */
export async function repoTags(client: RegistryClient, repo: string): Promise<string[]> {
  try {
    return await client.tags(repo);
  } catch (e) {
    if (e instanceof RegistryError && e.status === 404) return [];
    throw e;
  }
}

/** The digest a tag points to, or undefined when there is no such tag. */
export async function tagDigest(client: RegistryClient, repo: string, tag: string): Promise<Digest | undefined> {
  return (await client.findManifest(repo, tag))?.digest;
}

/** The digest behind each tag (one manifest request per tag). */
export async function digestsOf(
  client: RegistryClient, repo: string, tags: readonly string[],
): Promise<Map<string, Digest>> {
  const out = new Map<string, Digest>();
  for (const t of tags) {
    const d = await tagDigest(client, repo, t);
    if (d) out.set(t, d);
  }
  return out;
}

/**
 * When an image was made: its `org.opencontainers.image.created` label, else its config's `created`.
 * Undefined for an index or an image without a date (registries keep no tag dates).
 */
export async function imageCreated(client: RegistryClient, repo: string, digest: string): Promise<Date | undefined> {
  const m = await client.findManifest(repo, digest);
  if (!m || isIndexType(m.mediaType)) return undefined;
  const manifest = parseManifest(m.bytes, `${client.host}/${repo}@${digest}`);
  const config = parseJsonBytes(await client.blobBytes(repo, manifest.config.digest)) as ConfigFile;
  const text = config.config?.Labels?.[Annotation.created] ?? config.created;
  const date = text ? new Date(text) : undefined;
  return date && !Number.isNaN(date.getTime()) && date.getUTCFullYear() > 1 ? date : undefined;
}

/** The image a cosign `.sig`/`.att` tag belongs to (`sha256-<hex>.sig` → `sha256:<hex>`). */
export function cosignSubject(tag: string): Digest | undefined {
  const m = /^sha256-([0-9a-f]{64})\.(sig|att)$/.exec(tag);
  return m ? `sha256:${m[1]!}` : undefined;
}

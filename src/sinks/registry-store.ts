// The ImageStore of a registry repository: manifests and raw blobs pulled, manifests pushed with their blobs.
import { AirlockError } from '../errors.js';
import { parseDigest } from '../image/digest.js';
import type { ImageStore, StoredManifest } from '../image/image-store.js';
import type { RegistryClient } from './registry.js';

/** The store of `repo` on the client's registry; `reference` (tag or digest) is the image `resolve` finds. */
export function registryImageStore(client: RegistryClient, repo: string, reference: string): ImageStore {
  const where = `${client.host}/${repo}`;
  const manifest = async (ref: string): Promise<StoredManifest | undefined> => {
    const m = await client.findManifest(repo, ref);
    return m && { bytes: Buffer.from(m.bytes), mediaType: m.mediaType, digest: m.digest };
  };
  return {
    where,
    repository: where,
    async resolve() {
      const m = await manifest(reference);
      if (m) return m;
      throw new AirlockError('image', 'image-not-found', `image ${where}:${reference} not found in the registry`, {
        hint: 'check the repository and tag',
      });
    },
    manifest,
    blob: async (digest) => Buffer.from(await client.blobBytes(repo, digest)),
    async put(m) {
      for (const b of m.blobs) {
        await client.pushBlob(repo, { digest: parseDigest(b.digest), size: b.size, open: () => b.open() });
      }
      await client.pushManifest(repo, m.tag ?? m.manifest.digest, m.manifest.bytes, m.manifest.mediaType);
    },
  };
}

// An ImageStore over a registry repository; the HTTP lives in the registry sink and is passed in as RegistryAccess.
import { AirlockError } from '../../errors.js';
import { OCI_MANIFEST, type Blob } from '../cosign.js';
import type { ImageStore, StoredManifest } from './store.js';

/** The registry operations signing and verification need, for one repository. */
export interface RegistryAccess {
  /** A manifest by tag or digest (exact bytes), or undefined when the registry has none. */
  manifest(reference: string): Promise<StoredManifest | undefined>;
  /** A blob's raw bytes, not checked (verification reports tampering itself). */
  blob(digest: string): Promise<Buffer>;
  putBlob(blob: Blob): Promise<void>;
  putManifest(tag: string, bytes: Buffer, mediaType: string): Promise<void>;
}

/** Makes a RegistryAccess for host + repository (`insecure` = plain HTTP). */
export type RegistryAccessFactory = (host: string, repository: string, insecure: boolean) => RegistryAccess;

/** The store for `host/repository` at `reference` (tag or digest). */
export function registryStore(host: string, repository: string, reference: string, access: RegistryAccess): ImageStore {
  const where = `${host}/${repository}`;
  return {
    where,
    repository: where,
    async resolve() {
      const m = await access.manifest(reference);
      if (!m) throw new AirlockError('image', 'image-not-found', `image ${where}:${reference} not found in the registry`, { hint: 'check the repository and tag' });
      return m;
    },
    manifest: (ref) => access.manifest(ref),
    blob: (digest) => access.blob(digest),
    async putCosignImage(tag, image) {
      for (const b of [image.config, ...image.layers]) await access.putBlob(b);
      await access.putManifest(tag, image.manifestBytes, OCI_MANIFEST);
    },
  };
}

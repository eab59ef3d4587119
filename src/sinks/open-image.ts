// Dispatch by reference: read an image from, or write one to, an OCI layout, a docker-archive or a registry; or
// open the ImageStore there (raw manifests and blobs, signatures put beside the image).
import { homedir } from 'node:os';
import type { Image } from '../image/image.js';
import type { Digest } from '../image/digest.js';
import type { ImageStore } from '../image/image-store.js';
import { AirlockError } from '../errors.js';
import type { Log } from '../log.js';
import { archiveImageStore } from './archive-store.js';
import { readDockerArchive, writeDockerArchive } from './docker-archive.js';
import { layoutImageStore } from './layout-store.js';
import { putImageBlobs, readImageFromStore, readLayout, readLayoutImageIndex, updateLayoutIndex, writeLayout } from './oci-layout.js';
import { fsBlobStore } from './blob-store.js';
import { bytesStream } from '../image/blob-store.js';
import { parseIndex, type ImageIndex } from '../image/image-index.js';
import { Annotation, isIndexType } from '../image/media-types.js';
import { formatPlatform, ociPlatform, platformMatches } from '../image/platform.js';
import { formatRef, type ImageRef } from './ref.js';
import { dockerConfigCredentials, type CredentialSource } from './registry-auth.js';
import { registryClient, type RegistryClient } from './registry.js';
import { registryImageStore } from './registry-store.js';

/** How to reach registries and name archives. */
export interface ImageIO {
  /** Plain HTTP for registries. */
  insecure?: boolean;
  /** Registry credentials (default: the docker config of `env`/home). */
  credentials?: CredentialSource;
  env?: NodeJS.ProcessEnv;
  log?: Log;
  /** Names recorded in a docker-archive (default: none). */
  repoTags?: string[];
  /** On push, try cross-repository mounts from this repository of the same registry. */
  mountFrom?: string;
  /** The name a layout's or archive's image gets in signature payloads (default: its ref.name or file name). */
  repository?: string;
  /** The platform (a Debian architecture) to take from a multi-platform index (default: the only one; a registry: amd64). */
  platform?: string;
}

/** A client for `host` with the user's credentials (default: the docker config of `env`/home). */
export function clientFor(host: string, io: ImageIO): RegistryClient {
  const credentials = io.credentials ?? dockerConfigCredentials(io.env ?? {}, io.env?.HOME ?? homedir());
  return registryClient(host, { insecure: io.insecure ?? false, credentials, ...(io.log ? { log: io.log } : {}) });
}

/** Opens the image a reference points to. */
export async function openImage(ref: ImageRef, io: ImageIO = {}): Promise<Image> {
  switch (ref.kind) {
    case 'oci': return readLayout(ref.dir, ref.tag, io.platform);
    case 'docker-archive': {
      const img = await readDockerArchive(ref.file);
      if (io.platform !== undefined && !platformMatches({ os: img.config.os, architecture: img.config.architecture, ...(img.config.variant ? { variant: img.config.variant } : {}) }, io.platform)) {
        throw new AirlockError('image', 'platform-not-found', `${ref.file} holds a ${img.config.os}/${img.config.architecture} image, not ${formatPlatform(ociPlatform(io.platform))}`, { hint: 'a docker-archive holds one platform: pick the archive of the one you want (NAME-VARIANT-ARCH.tar)' });
      }
      return img;
    }
    case 'registry': return clientFor(ref.host, io).pull(ref.repo, ref.digest ?? ref.tag ?? 'latest', io.platform !== undefined ? ociPlatform(io.platform) : undefined);
  }
}

/** A multi-platform index and its images, as read from a layout or a registry. */
export interface OpenedIndex {
  digest: Digest;
  bytes: Uint8Array;
  index: ImageIndex;
  /** Each entry's image (layers open lazily), in the index's order. */
  images: Image[];
}

/** The index a reference names, with its images; undefined when it names a single image (or a docker-archive). */
export async function openImageIndex(ref: ImageRef, io: ImageIO = {}): Promise<OpenedIndex | undefined> {
  switch (ref.kind) {
    case 'docker-archive': return undefined;
    case 'oci': {
      const found = await readLayoutImageIndex(ref.dir, ref.tag);
      if (!found) return undefined;
      const where = `${ref.dir}${ref.tag ? `:${ref.tag}` : ''}`;
      const images = [];
      for (const d of found.index.manifests) images.push(await readImageFromStore(fsBlobStore(ref.dir), d.digest, d.size, `${where} (${d.digest})`));
      return { digest: found.descriptor.digest, bytes: found.bytes, index: found.index, images };
    }
    case 'registry': {
      const client = clientFor(ref.host, io);
      const m = await client.manifest(ref.repo, ref.digest ?? ref.tag ?? 'latest');
      if (!isIndexType(m.mediaType)) return undefined;
      const where = `${ref.host}/${ref.repo}:${ref.digest ?? ref.tag ?? 'latest'}`;
      const index = parseIndex(m.bytes, where);
      const images = [];
      for (const d of index.manifests) images.push(await client.pull(ref.repo, d.digest));
      return { digest: m.digest, bytes: m.bytes, index, images };
    }
  }
}

/** Writes an index and all its images where a reference points (a layout tag or a registry tag); returns its digest. */
export async function writeImageIndex(ref: ImageRef, ix: OpenedIndex, io: ImageIO = {}): Promise<Digest> {
  switch (ref.kind) {
    case 'docker-archive':
      throw new AirlockError('usage', 'multi-platform', `${ref.file}: a docker-archive holds one platform, and the source is a multi-platform index`, { hint: 'pick one with --platform, e.g. --platform linux/arm64' });
    case 'oci': {
      const store = fsBlobStore(ref.dir);
      for (const img of ix.images) await putImageBlobs(store, img);
      await store.put(bytesStream(ix.bytes), ix.digest);
      await updateLayoutIndex(ref.dir, [{ mediaType: ix.index.mediaType, digest: ix.digest, size: ix.bytes.length, annotations: { [Annotation.refName]: ref.tag ?? 'latest' } }]);
      return ix.digest;
    }
    case 'registry': {
      if (ref.digest && ref.digest !== ix.digest) {
        throw new AirlockError('usage', 'digest-mismatch', `${formatRef(ref)} names digest ${ref.digest}, but the index is ${ix.digest}`, { hint: 'drop the @digest or copy the matching index' });
      }
      const client = clientFor(ref.host, io);
      // Each image by digest first, then the index under the tag: a reader never sees an index whose images are missing.
      for (const img of ix.images) await client.push(ref.repo, undefined, img, io.mountFrom ? { mountFrom: io.mountFrom } : {});
      return client.pushManifest(ref.repo, ref.tag ?? ref.digest ?? 'latest', ix.bytes, ix.index.mediaType);
    }
  }
}

/** Writes an image where a reference points; returns the manifest digest as stored. */
export async function writeImage(ref: ImageRef, img: Image, io: ImageIO = {}): Promise<Digest> {
  switch (ref.kind) {
    case 'oci':
      await writeLayout(ref.dir, { tag: ref.tag ?? 'latest', image: img });
      return img.digest;
    case 'docker-archive':
      await writeDockerArchive(ref.file, img, io.repoTags ? { repoTags: io.repoTags } : {});
      return img.digest;
    case 'registry': {
      if (ref.digest && ref.digest !== img.digest) {
        throw new AirlockError('usage', 'digest-mismatch', `${formatRef(ref)} names digest ${ref.digest}, but the image is ${img.digest}`, { hint: 'drop the @digest or copy the matching image' });
      }
      return clientFor(ref.host, io).push(ref.repo, ref.tag, img, io.mountFrom ? { mountFrom: io.mountFrom } : {});
    }
  }
}

/** Opens the store at a reference, for signing and verifying the image there. */
export async function openImageStore(ref: ImageRef, io: ImageIO = {}): Promise<ImageStore> {
  switch (ref.kind) {
    case 'oci': {
      const reference = ref.tag ? { reference: ref.tag } : {};
      return layoutImageStore(ref.dir, { ...reference, ...(io.repository ? { repository: io.repository } : {}) });
    }
    case 'docker-archive': return archiveImageStore(ref.file, io.repository);
    case 'registry': return registryImageStore(clientFor(ref.host, io), ref.repo, ref.digest ?? ref.tag ?? 'latest');
  }
}

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
import { readLayout, writeLayout } from './oci-layout.js';
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
}

/** A client for `host` with the user's credentials (default: the docker config of `env`/home). */
export function clientFor(host: string, io: ImageIO): RegistryClient {
  const credentials = io.credentials ?? dockerConfigCredentials(io.env ?? {}, io.env?.HOME ?? homedir());
  return registryClient(host, { insecure: io.insecure ?? false, credentials, ...(io.log ? { log: io.log } : {}) });
}

/** Opens the image a reference points to. */
export async function openImage(ref: ImageRef, io: ImageIO = {}): Promise<Image> {
  switch (ref.kind) {
    case 'oci': return readLayout(ref.dir, ref.tag);
    case 'docker-archive': return readDockerArchive(ref.file);
    case 'registry': return clientFor(ref.host, io).pull(ref.repo, ref.digest ?? ref.tag ?? 'latest');
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

// An ImageStore over a docker-archive tar; its `.sig`/`.att` live in a cosign-save-style layout `FILE.cosign/` beside it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../../errors.js';
import { collect } from '../../image/blob-store.js';
import type { Image } from '../../image/image.js';
import { sha256Digest } from '../cosign.js';
import { layoutStore } from './layout-store.js';
import { saveSignedLayout } from './save-layout.js';
import type { ImageStore, StoredManifest } from './store.js';

/** Folder beside an archive that holds its signatures. */
export function sidecarDir(file: string): string {
  return `${file}.cosign`;
}

/** Reads an archive into an Image (the docker-archive sink's reader, passed in: evidence does not import sinks). */
export type ArchiveReader = (file: string) => Promise<Image>;

/** Opens `file` (read only); signatures are written to and read from `sidecarDir(file)`. */
export function archiveStore(file: string, repository: string, readArchive: ArchiveReader): ImageStore {
  let image: Promise<Image> | undefined;
  const img = () => (image ??= readArchive(file));
  const sidecar = () => layoutStore(sidecarDir(file), undefined, repository);
  const hasSidecar = async () => Boolean(await stat(join(sidecarDir(file), 'index.json')).catch(() => undefined));
  const self: ImageStore = {
    where: file,
    repository,
    async resolve(): Promise<StoredManifest> {
      const i = await img();
      const bytes = Buffer.from(i.manifestBytes);
      return { bytes, mediaType: i.manifest.mediaType, digest: sha256Digest(bytes) };
    },
    async manifest(ref) {
      return (await hasSidecar()) ? sidecar().manifest(ref) : undefined;
    },
    async blob(digest) {
      const i = await img();
      if (digest === i.configDigest) return Buffer.from(i.configBytes);
      const layer = i.layers.find((l) => l.digest === digest);
      if (layer) return Buffer.from(await collect(layer.open(), Number.MAX_SAFE_INTEGER));
      if (await hasSidecar()) return sidecar().blob(digest);
      throw new AirlockError('policy', 'blob-missing', `blob ${digest} is not in ${file}`);
    },
    async putCosignImage(tag, image, kind) {
      if (!(await hasSidecar())) await saveSignedLayout(self, sidecarDir(file));
      await sidecar().putCosignImage(tag, image, kind);
    },
  };
  return self;
}

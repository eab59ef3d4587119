// The ImageStore of a docker-archive: the tar is only read; what is put (signatures) goes to a cosign-save-style
// layout `FILE.cosign/` beside it, which starts as a copy of the archive's image.
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { collect } from '../image/blob-store.js';
import type { Image } from '../image/image.js';
import { descriptorOf } from '../image/image.js';
import type { ImageStore } from '../image/image-store.js';
import { exists, fsBlobStore } from './blob-store.js';
import { readDockerArchive } from './docker-archive.js';
import { layoutImageStore, nameFromPath } from './layout-store.js';
import { putImageBlobs, updateLayoutIndex } from './oci-layout.js';

/** The folder beside an archive that holds its signatures. */
export function sidecarDir(file: string): string {
  return `${file}.cosign`;
}

/** The store of the archive `file`; `repository` defaults to the file's name without `.tar`. */
export function archiveImageStore(file: string, repository = nameFromPath(file.replace(/\.tar$/, ''))): ImageStore {
  let image: Promise<Image> | undefined;
  const img = () => (image ??= readDockerArchive(file));
  const dir = sidecarDir(file);
  const hasSidecar = () => exists(join(dir, 'index.json'));
  const sidecar = async () => ((await hasSidecar()) ? layoutImageStore(dir, { repository }) : undefined);
  return {
    where: file,
    repository,
    async resolve() {
      const i = await img();
      return { bytes: Buffer.from(i.manifestBytes), mediaType: i.manifest.mediaType, digest: i.digest };
    },
    manifest: async (ref) => (await sidecar())?.manifest(ref),
    async blob(digest) {
      const i = await img();
      if (digest === i.configDigest) return Buffer.from(i.configBytes);
      const layer = i.layers.find((l) => l.digest === digest);
      if (layer) return Buffer.from(await collect(layer.open(), Number.MAX_SAFE_INTEGER));
      const s = await sidecar();
      if (s) return s.blob(digest);
      throw new AirlockError('image', 'blob-unknown', `blob ${digest} is not in ${file}`, {
        hint: 'the archive is incomplete',
      });
    },
    async put(m) {
      if (!(await hasSidecar())) {
        const i = await img();
        await putImageBlobs(fsBlobStore(dir), i);
        await updateLayoutIndex(dir, [descriptorOf(i)], { append: true });
      }
      await (await layoutImageStore(dir, { repository })).put(m);
    },
  };
}

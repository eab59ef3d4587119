// The ImageStore of an OCI image layout: manifests found through index.json, blobs read as stored, manifests added
// under the layout's index lock (which annotations they carry, e.g. cosign's `kind`, is the caller's choice).
import { basename, resolve } from 'node:path';
import { bytesStream, collect } from '../image/blob-store.js';
import type { Descriptor } from '../image/descriptor.js';
import { parseDigest } from '../image/digest.js';
import type { BlobSource, ImageStore, ManifestPut, StoredManifest } from '../image/image-store.js';
import { Annotation } from '../image/media-types.js';
import { fsBlobStore } from './blob-store.js';
import { findInLayout, isNamed, readLayoutIndex, updateLayoutIndex } from './oci-layout.js';

/** A repository name made from a file or folder name (lowercase; runs of other characters become '-'). */
export function nameFromPath(path: string): string {
  return basename(resolve(path)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
}

/** The REPO of the layout's `REPO:TAG` ref.name (the one for `reference` when given), else the folder's name. */
async function layoutRepository(dir: string, reference: string | undefined): Promise<string> {
  const ix = await readLayoutIndex(dir).catch(() => undefined);
  const names = (ix?.manifests ?? []).map((d) => d.annotations?.[Annotation.refName]);
  const fits = (n: string) => n.includes(':') && (!reference || n === reference || n.endsWith(`:${reference}`));
  const named = names.find((n): n is string => !!n && fits(n));
  return named ? named.slice(0, named.lastIndexOf(':')) : nameFromPath(dir);
}

/** Options of `layoutImageStore`. */
export interface LayoutStoreOptions {
  /** The tag or digest `resolve` finds (default: the only entry that is not a signature). */
  reference?: string;
  /** The name payloads give the image (default: from its ref.name, else the folder's name). */
  repository?: string;
}

/** The store of the layout at `dir` (which need not exist until something is put there). */
export async function layoutImageStore(dir: string, opts: LayoutStoreOptions = {}): Promise<ImageStore> {
  const blobs = fsBlobStore(dir);
  const read = async (d: Descriptor): Promise<StoredManifest> => {
    const bytes = Buffer.from(await collect(blobs.open(d.digest)));
    return { bytes, mediaType: d.mediaType, digest: d.digest };
  };
  const putBlob = async (b: BlobSource) => {
    const d = parseDigest(b.digest, `blob of ${dir}`);
    if (!(await blobs.has(d))) await blobs.put(b.open(), d);
  };
  return {
    where: dir,
    repository: opts.repository ?? (await layoutRepository(dir, opts.reference)),
    resolve: async () => read(await findInLayout(dir, opts.reference)),
    async manifest(ref) {
      const d = (await readLayoutIndex(dir)).manifests.find((x) => isNamed(x, ref));
      return d && read(d);
    },
    async blob(digest) {
      const stream = blobs.open(parseDigest(digest, `blob of ${dir}`));
      return Buffer.from(await collect(stream, Number.MAX_SAFE_INTEGER));
    },
    async put(m: ManifestPut) {
      const { bytes, digest } = m.manifest;
      for (const b of [...m.blobs, { digest, size: bytes.length, open: () => bytesStream(bytes) }]) await putBlob(b);
      const annotations = { ...m.annotations, ...(m.tag ? { [Annotation.refName]: m.tag } : {}) };
      const entry: Descriptor = {
        mediaType: m.manifest.mediaType, digest: parseDigest(m.manifest.digest), size: m.manifest.bytes.length,
        ...(Object.keys(annotations).length ? { annotations } : {}),
      };
      await updateLayoutIndex(dir, [entry], { append: true, ...(m.annotate ? { annotate: m.annotate } : {}) });
    },
  };
}

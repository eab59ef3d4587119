// An ImageStore over an OCI image layout folder; signatures are added the way `cosign save` marks them.
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../../errors.js';
import { sha256Digest, type CosignImage } from '../cosign.js';
import { writeAtomic } from '../write-evidence.js';
import type { ImageStore, StoredManifest } from './store.js';

const REF_NAME = 'org.opencontainers.image.ref.name';
/** cosign's layout annotation key and its values. */
export const KIND = 'kind';
export const KIND_IMAGE = 'dev.cosignproject.cosign/image';
const KIND_OF = { sigs: 'dev.cosignproject.cosign/sigs', atts: 'dev.cosignproject.cosign/atts' } as const;

interface IndexEntry {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  [k: string]: unknown;
}
interface IndexJson {
  schemaVersion: 2;
  mediaType?: string;
  manifests: IndexEntry[];
  [k: string]: unknown;
}

/** Opens the layout at `dir`; `reference` is a tag (ref.name) or digest, optional when it holds one image. */
export function layoutStore(dir: string, reference: string | undefined, repository: string): ImageStore {
  const indexPath = join(dir, 'index.json');
  const readIndex = async (): Promise<IndexJson> => {
    try {
      return JSON.parse(await readFile(indexPath, 'utf8')) as IndexJson;
    } catch (cause) {
      throw new AirlockError('image', 'bad-layout', `${dir} is not an OCI image layout (cannot read index.json)`, { cause, hint: 'pass oci:DIR[:TAG] of a layout written by airlock build' });
    }
  };
  const blobPath = (digest: string) => join(dir, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));
  const load = async (e: IndexEntry): Promise<StoredManifest> => {
    const bytes = await readFile(blobPath(e.digest)).catch((cause: unknown) => {
      throw new AirlockError('policy', 'blob-missing', `manifest ${e.digest} is missing from layout ${dir}`, { cause });
    });
    const digest = sha256Digest(bytes);
    if (digest !== e.digest) {
      throw new AirlockError('policy', 'blob-digest-mismatch', `the manifest of ${dir} is tampered: index.json names ${e.digest}, the blob hashes to ${digest}`, {
        hint: 'the stored bytes changed after the image was built; rebuild it',
      });
    }
    return { bytes, mediaType: e.mediaType, digest };
  };
  const find = (idx: IndexJson, ref: string) =>
    idx.manifests.find((m) => m.digest === ref || m.annotations?.[REF_NAME] === ref);
  return {
    where: dir,
    repository,
    async resolve() {
      const idx = await readIndex();
      const signable = idx.manifests.filter((m) => !m.annotations?.[KIND] || m.annotations[KIND] === KIND_IMAGE);
      const e = reference ? find(idx, reference) : signable.length === 1 ? signable[0] : undefined;
      if (!e) {
        const tags = idx.manifests.map((m) => m.annotations?.[REF_NAME]).filter(Boolean).join(', ');
        throw new AirlockError('image', 'image-not-found', reference ? `no image '${reference}' in layout ${dir}` : `layout ${dir} holds ${signable.length} images; name one`, {
          hint: `use oci:${dir}:TAG; tags here: ${tags || '(none)'}`,
        });
      }
      return load(e);
    },
    async manifest(ref) {
      const e = find(await readIndex(), ref);
      return e ? load(e) : undefined;
    },
    async blob(digest) {
      try {
        return await readFile(blobPath(digest));
      } catch (cause) {
        throw new AirlockError('policy', 'blob-missing', `blob ${digest} is missing from layout ${dir}`, { cause });
      }
    },
    async putCosignImage(tag, image, kind) {
      await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
      for (const b of [image.config, ...image.layers]) {
        if (!(await stat(blobPath(b.digest)).catch(() => undefined))) await writeAtomic(blobPath(b.digest), b.bytes);
      }
      await writeAtomic(blobPath(image.digest), image.manifestBytes);
      const idx = await readIndex();
      const signed = tag.replace(/^sha256-/, 'sha256:').replace(/\.(sig|att)$/, '');
      idx.manifests = idx.manifests.filter((m) => m.annotations?.[REF_NAME] !== tag);
      for (const m of idx.manifests) if (m.digest === signed) m.annotations = { ...m.annotations, [KIND]: KIND_IMAGE };
      idx.manifests.push({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: image.digest,
        size: image.manifestBytes.length,
        annotations: { [KIND]: KIND_OF[kind], [REF_NAME]: tag },
      });
      await writeAtomic(indexPath, JSON.stringify(idx));
    },
  };
}

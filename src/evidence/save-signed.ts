// Copies an image with its `.sig`/`.att` images into another store, the way `cosign save` writes a layout.
import { AirlockError } from '../errors.js';
import type { BlobSource, ImageStore, StoredManifest } from '../image/image-store.js';
import { CosignKind } from '../image/media-types.js';
import { cosignTag } from './cosign.js';
import { findManifest, resolveManifest } from './stored-manifest.js';

interface Desc { digest: string; size: number }

/** The blobs a manifest references, each read from `from` when the target store takes it. */
export function blobsOf(from: ImageStore, m: StoredManifest): BlobSource[] {
  const parsed = JSON.parse(m.bytes.toString('utf8')) as { config?: Desc; layers?: Desc[] };
  if (!parsed.config || !parsed.layers) {
    throw new AirlockError('usage', 'unsupported-manifest', `${from.where}: only single-platform images can be saved`);
  }
  return [parsed.config, ...parsed.layers].map((d) => ({
    digest: d.digest, size: d.size, open: async function* () { yield await from.blob(d.digest); },
  }));
}

/** Puts the image `from` names (untagged) and its signatures/attestations into `to`, marked with cosign's `kind`. */
export async function saveSignedImage(from: ImageStore, to: ImageStore): Promise<string[]> {
  const image = await resolveManifest(from);
  const annotations = { [CosignKind.annotation]: CosignKind.image };
  await to.put({ manifest: image, blobs: blobsOf(from, image), annotations });
  const saved = [image.digest];
  for (const [suffix, kind] of [['sig', CosignKind.sigs], ['att', CosignKind.atts]] as const) {
    const tag = cosignTag(image.digest, suffix);
    const m = await findManifest(from, tag);
    if (!m) continue;
    await to.put({ tag, manifest: m, blobs: blobsOf(from, m), annotations: { [CosignKind.annotation]: kind } });
    saved.push(tag);
  }
  return saved;
}

// Writes an image with its `.sig`/`.att` images as a fresh OCI layout, the way `cosign save` does.
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../../errors.js';
import { cosignTag } from '../cosign.js';
import { writeAtomic } from '../write-evidence.js';
import { KIND, KIND_IMAGE } from './layout-store.js';
import type { ImageStore, StoredManifest } from './store.js';

const REF_NAME = 'org.opencontainers.image.ref.name';

interface Desc { mediaType: string; digest: string; size: number }

async function copyImage(from: ImageStore, m: StoredManifest, dir: string): Promise<void> {
  const parsed = JSON.parse(m.bytes.toString('utf8')) as { config?: Desc; layers?: Desc[] };
  if (!parsed.config || !parsed.layers) throw new AirlockError('usage', 'unsupported-manifest', `${from.where}: only single-platform images can be saved`);
  for (const d of [parsed.config, ...parsed.layers]) {
    const path = join(dir, 'blobs', 'sha256', d.digest.slice(7));
    if (!(await stat(path).catch(() => undefined))) await writeAtomic(path, await from.blob(d.digest));
  }
  await writeAtomic(join(dir, 'blobs', 'sha256', m.digest.slice(7)), m.bytes);
}

/** Writes `dir` as an OCI layout holding the image `from` names and its signatures/attestations (index.json `kind` annotations). */
export async function saveSignedLayout(from: ImageStore, dir: string): Promise<string[]> {
  const image = await from.resolve();
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const manifests: Record<string, unknown>[] = [];
  const add = async (m: StoredManifest, kind: string, tag?: string) => {
    await copyImage(from, m, dir);
    manifests.push({ mediaType: m.mediaType || 'application/vnd.oci.image.manifest.v1+json', digest: m.digest, size: m.bytes.length,
      annotations: { [KIND]: kind, ...(tag ? { [REF_NAME]: tag } : {}) } });
  };
  await add(image, KIND_IMAGE);
  const saved = [image.digest];
  for (const [suffix, kind] of [['sig', 'dev.cosignproject.cosign/sigs'], ['att', 'dev.cosignproject.cosign/atts']] as const) {
    const tag = cosignTag(image.digest, suffix);
    const m = await from.manifest(tag);
    if (m) { await add(m, kind, tag); saved.push(tag); }
  }
  await writeAtomic(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeAtomic(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  return saved;
}

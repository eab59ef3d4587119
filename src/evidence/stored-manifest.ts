// Manifests read from an ImageStore are checked here, whichever store they came from: bytes that do not hash to
// the digest they are named by are a tampered image, a policy failure.
import { AirlockError } from '../errors.js';
import type { ImageStore, StoredManifest } from '../image/image-store.js';
import { sha256Digest } from './cosign.js';

/** `m`, once its bytes hash to its digest; `what` names it in the error. */
export function checkedManifest(m: StoredManifest, what: string): StoredManifest {
  const got = sha256Digest(m.bytes);
  if (got !== m.digest) {
    const message = `the ${what} is tampered: it is named ${m.digest}, its bytes hash to ${got}`;
    throw new AirlockError('policy', 'blob-digest-mismatch', message, {
      hint: 'the stored bytes changed after the image was built; rebuild it',
    });
  }
  return m;
}

/** The manifest the store's reference names, checked. */
export async function resolveManifest(store: ImageStore): Promise<StoredManifest> {
  return checkedManifest(await store.resolve(), `manifest of ${store.where}`);
}

/** The manifest tagged `tag` (checked), or undefined when there is none. */
export async function findManifest(store: ImageStore, tag: string): Promise<StoredManifest | undefined> {
  const m = await store.manifest(tag);
  return m && checkedManifest(m, `manifest ${tag} of ${store.where}`);
}

// OCI image layout sink and source: several tagged images in one directory, blobs shared, atomic index updates.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { bytesStream, collect, type BlobStore } from '../image/blob-store.js';
import type { Descriptor } from '../image/descriptor.js';
import { sha256, type Digest } from '../image/digest.js';
import { imageFromBytes, layersFromManifest, descriptorOf, type Image } from '../image/image.js';
import { indexBytes, newIndex, parseIndex, type ImageIndex } from '../image/image-index.js';
import { compareBytes, parseJsonBytes } from '../image/json.js';
import { parseManifest } from '../image/manifest.js';
import { Annotation, CosignKind, isIndexType } from '../image/media-types.js';
import type { ConfigFile } from '../image/config.js';
import { writeFileAtomic } from '../files/atomic.js';
import { withFileLock } from '../files/file-lock.js';
import { exists, fsBlobStore } from './blob-store.js';

/** An image and the tag it is written under. */
export interface TaggedImage {
  tag: string;
  image: Image;
}

const COMPONENT = '[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*';
const REF_NAME = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);

/** Checks a layout tag against the `org.opencontainers.image.ref.name` grammar. */
export function checkLayoutTag(tag: string): void {
  if (!REF_NAME.test(tag)) {
    throw new AirlockError('usage', 'bad-tag', `"${tag}" is not a valid OCI layout tag`, {
      hint: 'tags are letters/digits separated by one of - . _ : @ + or "--", optionally joined by "/"',
    });
  }
}

/** Copies every blob of an image into a store (skipping blobs it already has); digests verified on write. */
export async function putImageBlobs(store: BlobStore, img: Image): Promise<void> {
  for (const l of img.layers) if (!(await store.has(l.digest))) await store.put(l.open(), l.digest);
  if (!(await store.has(img.configDigest))) await store.put(bytesStream(img.configBytes), img.configDigest);
  if (!(await store.has(img.digest))) await store.put(bytesStream(img.manifestBytes), img.digest);
}

/** Reads `index.json` of a layout (an empty index when there is none). */
export async function readLayoutIndex(dir: string): Promise<ImageIndex> {
  const p = join(dir, 'index.json');
  if (!(await exists(p))) return newIndex([]);
  return parseIndex(await readFile(p), p);
}

const locks = new Map<string, Promise<unknown>>();

/** Runs `fn` after earlier index updates of the same layout in this process. */
async function serialized<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(dir) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(fn);
  locks.set(dir, next);
  return next;
}

/** How `updateLayoutIndex` places the new entries. */
export interface IndexUpdate {
  /** Append them after the kept entries (default: sort all by tag, then digest). */
  append?: boolean;
  /** Annotations merged into the kept entries of this digest (cosign marks the image its signatures are for). */
  annotate?: { digest: string; annotations: Record<string, string> };
}

const tagOf = (d: Descriptor) => d.annotations?.[Annotation.refName];

/** The index entries after an update: each added entry replaces the one with its tag (untagged: its digest). */
function mergedEntries(old: Descriptor[], add: Descriptor[], opts: IndexUpdate): Descriptor[] {
  const tags = new Set(add.map(tagOf).filter((t): t is string => !!t));
  const untagged = new Set(add.filter((d) => !tagOf(d)).map((d) => d.digest));
  const stays = (d: Descriptor) => { const t = tagOf(d); return t ? !tags.has(t) : !untagged.has(d.digest); };
  const mark = opts.annotate;
  const marked = (d: Descriptor): Descriptor =>
    (mark && d.digest === mark.digest ? { ...d, annotations: { ...d.annotations, ...mark.annotations } } : d);
  const all = [...old.filter(stays).map(marked), ...add];
  const byTag = (a: Descriptor, b: Descriptor) => compareBytes(tagOf(a) ?? '', tagOf(b) ?? '');
  return opts.append ? all : all.sort((a, b) => byTag(a, b) || compareBytes(a.digest, b.digest));
}

/** Writes descriptors into index.json under a lock (in this process and across processes); other entries stay. */
export async function updateLayoutIndex(dir: string, add: Descriptor[], opts: IndexUpdate = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  await serialized(dir, () => withFileLock(join(dir, '.index.json.lock'), async () => {
    const header = join(dir, 'oci-layout');
    if (!(await exists(header))) await writeFileAtomic(header, '{"imageLayoutVersion":"1.0.0"}');
    const ix = await readLayoutIndex(dir);
    const manifests = mergedEntries(ix.manifests, add, opts);
    await writeFileAtomic(join(dir, 'index.json'), indexBytes({ ...ix, manifests }));
  }, 60_000));
}

/** Writes tagged images into the layout at `dir`; blobs are shared, re-tagging replaces only that tag. */
export async function writeLayout(dir: string, images: TaggedImage | TaggedImage[]): Promise<void> {
  const list = Array.isArray(images) ? images : [images];
  for (const { tag } of list) checkLayoutTag(tag);
  if (new Set(list.map((x) => x.tag)).size !== list.length) {
    throw new AirlockError('usage', 'duplicate-tag', `the same tag is given twice for ${dir}`, { hint: 'give each image its own tag' });
  }
  const store = fsBlobStore(dir);
  for (const { image } of list) await putImageBlobs(store, image);
  await updateLayoutIndex(dir, list.map(({ tag, image }) => descriptorOf(image, { [Annotation.refName]: tag })));
}

/** Tags in a layout, sorted. */
export async function listLayoutTags(dir: string): Promise<string[]> {
  const ix = await readLayoutIndex(dir);
  return ix.manifests.map(tagOf).filter((t): t is string => !!t).sort(compareBytes);
}

async function readBlob(store: BlobStore, d: Descriptor, where: string): Promise<Uint8Array> {
  const bytes = await collect(store.open(d.digest));
  const got = sha256(bytes);
  if (got !== d.digest || bytes.length !== d.size) {
    throw new AirlockError('image', 'digest-mismatch', `${where}: blob ${d.digest} hashes to ${got} (${bytes.length} bytes, expected ${d.size})`, { hint: 'the layout is damaged; write it again' });
  }
  return bytes;
}

/** True for index entries that cosign marks as signatures or attestations of another entry. */
export function isCosignAttachment(d: Descriptor): boolean {
  const kind = d.annotations?.[CosignKind.annotation];
  return kind === CosignKind.sigs || kind === CosignKind.atts;
}

/** True for the index entry tagged `ref` or with digest `ref`. */
export function isNamed(d: Descriptor, ref: string): boolean {
  return tagOf(d) === ref || d.digest === ref;
}

/** Finds the manifest descriptor tagged (or digested) `ref`, or else the only one that is not a signature. */
export async function findInLayout(dir: string, ref?: string): Promise<Descriptor> {
  if (!(await exists(join(dir, 'index.json')))) {
    throw new AirlockError('image', 'bad-layout', `${dir} is not an OCI image layout (it has no index.json)`, {
      hint: 'pass oci:DIR[:TAG] of an existing layout',
    });
  }
  const ix = await readLayoutIndex(dir);
  const fits = (d: Descriptor) => (ref === undefined ? !isCosignAttachment(d) : isNamed(d, ref));
  const hits = ix.manifests.filter(fits);
  if (hits.length !== 1) {
    const tags = ix.manifests.map((d) => tagOf(d) ?? d.digest).join(', ') || 'none';
    const none = `no image tagged "${ref}" in ${dir}`;
    const message = ref === undefined ? `${dir} holds ${hits.length} images; name a tag` : none;
    throw new AirlockError('image', 'image-not-found', message, { hint: `tags present: ${tags}` });
  }
  return hits[0]!;
}

/** Reads a tagged image from a layout; manifest and config bytes are verified, layers open lazily. */
export async function readLayout(dir: string, tag?: string): Promise<Image> {
  const desc = await findInLayout(dir, tag);
  const where = `${dir}${tag ? `:${tag}` : ''}`;
  if (isIndexType(desc.mediaType)) {
    throw new AirlockError('image', 'multi-platform', `${where} is a multi-platform index`, { hint: 'airlock reads single-platform images only' });
  }
  return readImageFromStore(fsBlobStore(dir), desc.digest, desc.size, where);
}

/** Reads an image whose manifest is `digest` from any blob store. */
export async function readImageFromStore(store: BlobStore, digest: Digest, size: number, where: string): Promise<Image> {
  const mBytes = await readBlob(store, { mediaType: '', digest, size }, where);
  const manifest = parseManifest(mBytes, where);
  const cBytes = await readBlob(store, manifest.config, where);
  const config = parseJsonBytes(cBytes, `${where}: config`) as ConfigFile;
  if (!Array.isArray(config?.rootfs?.diff_ids)) throw new AirlockError('image', 'bad-config', `${where}: config has no rootfs.diff_ids`);
  return imageFromBytes(mBytes, cBytes, layersFromManifest(manifest, config, (d) => store.open(d.digest)), where);
}

// OCI image layout sink and source: several tagged images in one directory, blobs shared, atomic index updates.
import { link, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { bytesStream, collect, type BlobStore } from '../image/blob-store.js';
import type { Descriptor, Platform } from '../image/descriptor.js';
import { formatPlatform, ociPlatform, platformMatches } from '../image/platform.js';
import { sha256, type Digest } from '../image/digest.js';
import { imageFromBytes, layersFromManifest, descriptorOf, type Image } from '../image/image.js';
import { indexBytes, newIndex, parseIndex, type ImageIndex } from '../image/image-index.js';
import { compareBytes, parseJsonBytes } from '../image/json.js';
import { parseManifest } from '../image/manifest.js';
import { Annotation, CosignKind, MediaType, isIndexType } from '../image/media-types.js';
import type { ConfigFile } from '../image/config.js';
import { writeFileAtomic } from '../files/atomic.js';
import { withFileLock } from '../files/file-lock.js';
import { blobPath, exists, fsBlobStore } from './blob-store.js';

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
  // A digest may also name one platform's image inside a tagged multi-platform index.
  if (hits.length === 0 && ref?.startsWith('sha256:')) {
    for (const d of ix.manifests.filter((x) => isIndexType(x.mediaType))) {
      const child = (await readIndexBlob(dir, d, `${dir}@${d.digest}`)).index.manifests.find((m) => m.digest === ref);
      if (child) return child;
    }
  }
  if (hits.length !== 1) {
    const tags = ix.manifests.map((d) => tagOf(d) ?? d.digest).join(', ') || 'none';
    const none = `no image tagged "${ref}" in ${dir}`;
    const message = ref === undefined ? `${dir} holds ${hits.length} images; name a tag` : none;
    throw new AirlockError('image', 'image-not-found', message, { hint: `tags present: ${tags}` });
  }
  return hits[0]!;
}

/**
 * Reads a tagged image from a layout; manifest and config bytes are verified, layers open lazily. A tag naming a
 * multi-platform index gives the image of `platform` (a Debian architecture), or the only one it holds.
 */
export async function readLayout(dir: string, tag?: string, platform?: string): Promise<Image> {
  const desc = await findInLayout(dir, tag);
  const where = `${dir}${tag ? `:${tag}` : ''}`;
  if (isIndexType(desc.mediaType)) {
    const m = manifestForPlatform((await readIndexBlob(dir, desc, where)).index, where, platform);
    return readImageFromStore(fsBlobStore(dir), m.digest, m.size, `${where} (${formatPlatform(m.platform!)})`);
  }
  return readImageFromStore(fsBlobStore(dir), desc.digest, desc.size, where);
}

/** The index a layout tag names (checked against its digest), or undefined when the tag names a single image. */
export async function readLayoutImageIndex(dir: string, tag?: string): Promise<{ descriptor: Descriptor; index: ImageIndex; bytes: Uint8Array } | undefined> {
  const desc = await findInLayout(dir, tag);
  if (!isIndexType(desc.mediaType)) return undefined;
  return { descriptor: desc, ...(await readIndexBlob(dir, desc, `${dir}${tag ? `:${tag}` : ''}`)) };
}

/** The index blob `desc` names in the layout at `dir`, checked against its digest, and parsed. */
async function readIndexBlob(dir: string, desc: Descriptor, where: string): Promise<{ index: ImageIndex; bytes: Uint8Array }> {
  const bytes = await readBlob(fsBlobStore(dir), desc, where);
  return { index: parseIndex(bytes, where), bytes };
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

/** One platform's image of a multi-platform index: the layout holding its blobs, and its manifest there. */
export interface PlatformImage {
  platform: Platform;
  /** The OCI layout folder the manifest and its blobs are in. */
  layout: string;
  manifest: Descriptor;
}

/** Puts `from`'s blob `digest` into the layout at `dir`: a hard link when it can, else a digest-checked copy. */
async function linkBlob(from: string, dir: string, digest: Digest): Promise<void> {
  const to = blobPath(dir, digest);
  if (await exists(to)) return;
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  try {
    await link(blobPath(from, digest), to);
  } catch {
    await fsBlobStore(dir).put(fsBlobStore(from).open(digest), digest);
  }
}

/**
 * Puts the cosign signature and attestation entries of the layout `from` (their manifests and blobs linked like
 * index blobs) into the layout at `to`, beside what it holds.
 */
export async function copyAttachments(from: string, to: string): Promise<void> {
  const attached = (await readLayoutIndex(from)).manifests.filter(isCosignAttachment);
  for (const d of attached) {
    const m = parseManifest(await readBlob(fsBlobStore(from), d, `${from}@${d.digest}`), `${from}@${d.digest}`);
    for (const b of [d, m.config, ...m.layers]) await linkBlob(from, to, b.digest);
  }
  if (attached.length) await updateLayoutIndex(to, attached, { append: true });
}

/**
 * Writes multi-platform images into the layout at `dir`: for each tag, an image index with one manifest per platform
 * (in the order given, each with its `platform`), tagged in index.json. The images' blobs come from their own layouts
 * (hard-linked where the file system allows). Returns each tag's index descriptor.
 */
export async function writeIndexLayout(dir: string, entries: { tag: string; images: PlatformImage[] }[]): Promise<Record<string, Descriptor>> {
  for (const { tag } of entries) checkLayoutTag(tag);
  const store = fsBlobStore(dir);
  const out: Record<string, Descriptor> = {};
  for (const { tag, images } of entries) {
    for (const img of images) {
      const where = `${img.layout}: ${img.manifest.digest}`;
      const mBytes = await readBlob(fsBlobStore(img.layout), img.manifest, where);
      const m = parseManifest(mBytes, where);
      for (const d of [img.manifest, m.config, ...m.layers]) await linkBlob(img.layout, dir, d.digest);
    }
    const ix = newIndex(images.map((i) => ({ mediaType: i.manifest.mediaType, digest: i.manifest.digest, size: i.manifest.size, platform: i.platform })));
    const bytes = indexBytes(ix);
    const { digest, size } = await store.put(bytesStream(bytes), sha256(bytes));
    out[tag] = { mediaType: MediaType.index, digest, size, annotations: { [Annotation.refName]: tag } };
  }
  await updateLayoutIndex(dir, Object.values(out));
  return out;
}

/**
 * The manifest of `platform` (a Debian architecture) in the index `ix`; without one, the only one, else an error that
 * lists the platforms the index has.
 */
export function manifestForPlatform(ix: ImageIndex, where: string, platform?: string): Descriptor {
  const images = ix.manifests.filter((d) => !isIndexType(d.mediaType) && d.platform);
  const hits = platform === undefined ? images : images.filter((d) => platformMatches(d.platform, platform));
  if (hits.length === 1) return hits[0]!;
  const has = images.map((d) => formatPlatform(d.platform!)).join(', ') || 'none';
  if (platform === undefined) {
    throw new AirlockError('usage', 'platform-required', `${where} is a multi-platform index (${has})`, { hint: 'choose one with --platform, e.g. --platform linux/arm64' });
  }
  throw new AirlockError('image', 'platform-not-found', `${where} has no ${formatPlatform(ociPlatform(platform))} image`, { hint: `it has ${has}` });
}

// docker-archive sink and source: one image per tar with manifest.json + blobs, plus oci-layout/index.json.
import { AirlockError } from '../errors.js';
import { bytesStream, collect } from '../image/blob-store.js';
import { Hasher, hexOf, sha256, type Digest } from '../image/digest.js';
import { detectCompression } from '../image/decompress.js';
import type { FileEntry } from '../image/entry.js';
import { imageFromBytes, layersFromManifest, descriptorOf, type Image } from '../image/image.js';
import { indexBytes, newIndex, parseIndex } from '../image/image-index.js';
import { jsonBytes, parseJsonBytes } from '../image/json.js';
import { layerFromBlob, type Layer } from '../image/layer.js';
import { manifestBytes, parseManifest, type Manifest } from '../image/manifest.js';
import { Annotation, MediaType, isManifestType } from '../image/media-types.js';
import { readTar } from '../image/tar-read.js';
import { tarSegments, writeTar } from '../image/tar-write.js';
import { planTar } from '../image/tar-plan.js';
import { writeSegmentsAtomic, type Segment } from '../files/segment-writer.js';
import type { ConfigFile } from '../image/config.js';
import { streamToFileAtomic } from '../files/atomic.js';
import { readFileStream } from './blob-store.js';

/** Options of `writeDockerArchive`. */
export interface DockerArchiveOptions {
  /** Names `docker load`/`podman load` give the image, e.g. ["demo/app:v1"]. */
  repoTags?: string[];
  /** mtime of the archive's own entries (default 0). */
  epoch?: number;
}

const blobName = (d: Digest) => `blobs/sha256/${hexOf(d)}`;

function member(path: string, size: number, open: () => AsyncIterable<Uint8Array>): FileEntry {
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size, open };
}

/** The archive's entries (blobs, manifest.json, oci-layout, index.json), for writing or embedding. */
export function dockerArchiveEntries(img: Image, opts: DockerArchiveOptions = {}): FileEntry[] {
  const tags = opts.repoTags ?? [];
  const dockerManifest = [{ Config: blobName(img.configDigest), RepoTags: tags, Layers: img.layers.map((l) => blobName(l.digest)) }];
  const index = indexBytes(newIndex([descriptorOf(img, tags[0] ? { [Annotation.refName]: tags[0] } : undefined)]));
  const small = (path: string, b: Uint8Array) => member(path, b.length, () => bytesStream(b));
  const byPath = new Map<string, FileEntry>();
  for (const l of img.layers) byPath.set(blobName(l.digest), member(blobName(l.digest), l.size, () => l.open()));
  byPath.set(blobName(img.configDigest), small(blobName(img.configDigest), img.configBytes));
  byPath.set(blobName(img.digest), small(blobName(img.digest), img.manifestBytes));
  const rest = [small('manifest.json', jsonBytes(dockerManifest)), small('oci-layout', jsonBytes({ imageLayoutVersion: '1.0.0' })), small('index.json', index)];
  return [...byPath.values(), ...rest];
}

/**
 * Writes one image as a docker-archive tar (also a valid single-image OCI archive), atomically. When every layer's
 * blob lies in a file, the archive is copied together on a worker thread (the same bytes), else streamed here.
 */
export async function writeDockerArchive(file: string, img: Image, opts: DockerArchiveOptions = {}): Promise<void> {
  const entries = dockerArchiveEntries(img, opts);
  const epoch = opts.epoch ?? 0;
  const blobFiles = new Map(img.layers.map((l) => [blobName(l.digest), l.file]));
  if ([...blobFiles.values()].every((f) => f !== undefined)) {
    const plan = planTar(entries, { where: file });
    const small = new Map<string, Uint8Array>();
    for (const e of plan.entries) {
      if (e.type !== 'file' || e.size === 0 || blobFiles.has(e.path)) continue;
      const bytes = await collect(e.open!());
      if (bytes.length !== e.size) throw new AirlockError('image', 'size-mismatch', `"${e.path}" gave ${bytes.length} bytes, expected ${e.size}`, { hint: 'rebuild' });
      small.set(e.path, bytes);
    }
    const segments = tarSegments(plan, epoch, (e): Segment => {
      const from = blobFiles.get(e.path);
      return from !== undefined ? { file: from, size: e.size, name: e.path } : { bytes: small.get(e.path)! };
    });
    await writeSegmentsAtomic(file, segments);
    return;
  }
  const { stream } = writeTar(entries, epoch, { where: file });
  await streamToFileAtomic(file, stream);
}

interface Member { offset: number; size: number; link?: string; hard?: boolean }

/** Reads a docker-archive (or single-image OCI archive) tar; keeps the exact manifest when the archive has one. */
export async function readDockerArchive(file: string): Promise<Image> {
  const members = new Map<string, Member>();
  for await (const { entry, dataOffset } of readTar(readFileStream(file), { where: file })) {
    if (entry.type === 'file') members.set(entry.path, { offset: dataOffset, size: entry.size });
    else if (entry.type === 'symlink' || entry.type === 'hardlink') members.set(entry.path, { offset: 0, size: 0, link: entry.linkname!, hard: entry.type === 'hardlink' });
  }
  const resolve = (path: string, depth = 0): Member => {
    const m = members.get(path);
    if (!m || depth > 8) throw new AirlockError('image', 'bad-archive', `${file}: member "${path}" is missing`, { hint: 'the archive is incomplete or not a docker-archive' });
    if (!m.link) return m;
    const target = m.hard || m.link.startsWith('/') ? m.link : [...path.split('/').slice(0, -1), m.link].join('/');
    const norm: string[] = [];
    for (const c of target.split('/')) { if (c === '..') norm.pop(); else if (c && c !== '.') norm.push(c); }
    return resolve(norm.join('/'), depth + 1);
  };
  const open = (path: string) => { const m = resolve(path); return readFileStream(file, m.offset, m.offset + m.size - 1); };
  const openM = (path: string) => { const m = resolve(path); return m.size === 0 ? bytesStream(new Uint8Array(0)) : open(path); };
  const read = async (path: string) => collect(openM(path));
  if (members.has('index.json')) {
    const ix = parseIndex(await read('index.json'), `${file}:index.json`);
    const d = ix.manifests[0];
    if (ix.manifests.length === 1 && d && isManifestType(d.mediaType) && members.has(blobName(d.digest))) {
      const mBytes = await read(blobName(d.digest));
      const manifest = parseManifest(mBytes, `${file}:${d.digest}`);
      const cBytes = await read(blobName(manifest.config.digest));
      const config = parseJsonBytes(cBytes, `${file}: config`) as ConfigFile;
      return imageFromBytes(mBytes, cBytes, layersFromManifest(manifest, config, (x) => openM(blobName(x.digest))), file);
    }
  }
  if (!members.has('manifest.json')) throw new AirlockError('image', 'bad-archive', `${file} has no manifest.json`, { hint: 'is this a docker-archive tar (docker save output)?' });
  type Item = { Config: string; Layers: string[] };
  const items = parseJsonBytes(await read('manifest.json'), `${file}:manifest.json`) as Item[];
  const item = Array.isArray(items) ? items[0] : undefined;
  if (item && (typeof item.Config !== 'string' || !Array.isArray(item.Layers) || item.Layers.some((l) => typeof l !== 'string'))) {
    throw new AirlockError('image', 'bad-archive', `${file}: manifest.json's entry needs a Config path and a list of Layers paths`, {
      hint: 'is this a docker-archive tar (docker save output)?',
    });
  }
  if (!Array.isArray(items) || items.length !== 1 || !item) throw new AirlockError('image', 'bad-archive', `${file}: manifest.json lists ${Array.isArray(items) ? items.length : 0} images`, { hint: 'airlock reads archives holding exactly one image' });
  const cBytes = await read(item.Config);
  const config = parseJsonBytes(cBytes, `${file}: config`) as ConfigFile;
  const layers: Layer[] = [];
  for (const [i, path] of item.Layers.entries()) {
    const h = new Hasher();
    let head = new Uint8Array(0);
    for await (const c of openM(path)) { if (head.length < 4) head = Buffer.concat([head, c]).subarray(0, 4); h.update(c); }
    const gz = detectCompression(head) === 'gzip';
    layers.push(layerFromBlob({ mediaType: gz ? MediaType.layerGzip : MediaType.layer, digest: h.digest(), size: h.size, diffId: config.rootfs.diff_ids[i]!, open: () => openM(path) }));
  }
  const manifest: Manifest = {
    schemaVersion: 2, mediaType: MediaType.manifest,
    config: { mediaType: MediaType.config, digest: sha256(cBytes), size: cBytes.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  return imageFromBytes(manifestBytes(manifest), cBytes, layers, file);
}

// prod's runtime layer: the files of the runtime packages, made once per package set. A rebuild reads the entries
// back from the cached layer (a few MB of tar) instead of unpacking every .deb through dpkg-deb again.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../files/atomic.js';
import type { LockedPackage } from '../debian/types.js';
import { runtimeEntries, type OsRelease } from '../debian/runtime.js';
import { bytesStream, collect, type BlobStore } from '../image/blob-store.js';
import type { FileEntry } from '../image/entry.js';
import { LAYER_FORMAT, layerFromEntries, layerItems, uncompressedStream, type Layer } from '../image/layer.js';
import { readTar, type TarItem } from '../image/tar-read.js';
import { hexOf } from '../image/digest.js';
import { readVerified, storeBytes } from '../cache/cas.js';
import { cachedLayer } from './layer-cache.js';
import { hashFileDigests, type FileDigests } from './slice.js';
import { touchCacheEntry } from '../cache/touch.js';

export interface RuntimeLayerInput {
  packages: readonly LockedPackage[];
  /** The package os-release and debian_version come from (base-files of the builder set). */
  baseFiles: LockedPackage;
  readOsRelease: () => Promise<OsRelease>;
  /** airlock's own identity: a change to how runtime files are chosen makes a new layer. */
  identity: string;
  epoch: number;
  cacheDir: string;
  store: BlobStore;
  /** Make the layer from the .debs even when this set is cached (--no-cache). */
  fresh?: boolean;
}

/** Cache key of a runtime set: airlock's identity, the epoch, the layer format and every package's exact .deb. */
export function runtimeSetKey(input: Pick<RuntimeLayerInput, 'packages' | 'baseFiles' | 'identity' | 'epoch'>): string {
  const h = createHash('sha256').update(`airlock-runtime 1\n${input.identity}\n${input.epoch} ${LAYER_FORMAT}\n`);
  h.update(`base-files ${input.baseFiles.sha256}\n`);
  for (const p of [...input.packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    h.update(`${p.name} ${p.version} ${p.architecture} ${p.sha256}\n`);
  }
  return h.digest('hex');
}

/** The runtime entries (contents in memory), their layer, and the package of each packaged path (what slicing cuts by). */
export interface RuntimeLayer {
  entries: FileEntry[];
  layer: Layer;
  owners: ReadonlyMap<string, string>;
  /** The digests of the set's files, kept beside its layer between builds (`save` keeps the ones worked out since). */
  digests: DigestRecord;
}

export interface DigestRecord {
  /** md5, sha1 and sha256 of the set's file at `path`, whose bytes are `data`: from the record, else hashed. */
  of(path: string, data: Uint8Array): FileDigests;
  save(): Promise<void>;
}

/** The runtime entries and their layer, from the cache when this set was made before (owners recorded beside it). */
export async function runtimeLayer(input: RuntimeLayerInput): Promise<RuntimeLayer> {
  let made: FileEntry[] | undefined;
  let owners = new Map<string, string>();
  const key = `runtime-${runtimeSetKey(input)}`;
  const ownersFile = join(input.cacheDir, 'layers', `${key}.owners.json`);
  const digests = await digestRecord(input.fresh ? undefined : join(input.cacheDir, 'layers', `${key}.digests.json`));
  const build = async () => {
    owners = new Map();
    made = await runtimeEntries([...input.packages], { cache: input.cacheDir, osRelease: await input.readOsRelease(), owners });
    return layerFromEntries(made, { epoch: input.epoch, store: input.store });
  };
  if (input.fresh) {
    const layer = (await build()).layer;
    return { layer, entries: made!, owners, digests };
  }
  // The owners record is written before the layer's: a layer record without one is from an older airlock.
  const recorded = await readOwners(ownersFile);
  const { layer } = await cachedLayer(input.cacheDir, input.store, key, async () => {
    const built = await build();
    await mkdir(dirname(ownersFile), { recursive: true });
    await writeFileAtomic(ownersFile, `${JSON.stringify([...owners].sort())}\n`);
    return built;
  });
  if (made) return { entries: made, layer, owners, digests };
  if (recorded) return { entries: await keptEntries(layer, input.cacheDir), layer, owners: recorded, digests };
  const again = await build(); // cached layer but no owners record: make both again (same bytes)
  await writeFileAtomic(ownersFile, `${JSON.stringify([...owners].sort())}\n`);
  return { entries: made!, layer: again.layer, owners, digests };
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The digests of a runtime set's files, read from `file` (undefined: none kept, as with --no-cache). The record holds
 * its own digest: one that does not check, or a row of another shape, is not used (every file is hashed again and
 * the record written anew).
 */
export async function digestRecord(file: string | undefined): Promise<DigestRecord> {
  const known = new Map<string, FileDigests>();
  if (file && (await touchCacheEntry(file))) {
    try {
      const { check, value } = JSON.parse(await readFile(file, 'utf8')) as { check?: unknown; value?: unknown };
      const rows = Array.isArray(value) ? value as unknown[] : [];
      const valid = (r: unknown): r is [string, FileDigests] => Array.isArray(r) && r.length === 2 && typeof r[0] === 'string'
        && Array.isArray(r[1]) && r[1].length === 3 && r[1].every((d, i) => typeof d === 'string' && d.length === [32, 40, 64][i] && /^[0-9a-f]+$/.test(d));
      if (check === sha256Hex(JSON.stringify(value)) && rows.every(valid)) for (const [p, d] of rows) known.set(p, d);
    } catch { /* unreadable: hashed again */ }
  }
  let added = 0;
  return {
    of(path, data) {
      const had = known.get(path);
      if (had) return had;
      const d = hashFileDigests(data);
      known.set(path, d);
      added++;
      return d;
    },
    async save() {
      if (!file || added === 0) return;
      const value = JSON.stringify([...known].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      await mkdir(dirname(file), { recursive: true });
      await writeFileAtomic(file, `{"check":"${sha256Hex(value)}","value":${value}}\n`);
      added = 0;
    },
  };
}

async function readOwners(file: string): Promise<Map<string, string> | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const rows = JSON.parse(text) as [string, string][];
    return Array.isArray(rows) ? new Map(rows) : undefined;
  } catch { return undefined; }
}

/**
 * The entries of a cached runtime layer, read from its uncompressed tar in the content store (named by the layer's
 * diff id, verified once), which the first read back keeps there: a rebuild parses a few MB of tar instead of
 * gunzipping them (110 ms for glibc's 13 MB on a 2-core machine).
 */
async function keptEntries(layer: Layer, cacheDir: string): Promise<FileEntry[]> {
  const hex = hexOf(layer.diffId);
  const kept = await readVerified(cacheDir, hex, layer.uncompressedSize);
  if (kept) return entriesOfTarBytes(kept, layer);
  const bytes = await collect(uncompressedStream(layer), Number.MAX_SAFE_INTEGER);
  // Not kept (a full disk, say): the next build gunzips the layer again; nothing is lost.
  await storeBytes(cacheDir, bytes, hex).catch(() => undefined);
  return entriesOfTarBytes(bytes, layer);
}

/** The entries of a whole tar held in memory: each file's content is a view of those bytes, not a copy. */
async function entriesOfTarBytes(tar: Uint8Array, layer: Layer): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for await (const { entry, dataOffset } of readTar(bytesStream(tar), { where: `layer ${layer.digest}` })) {
    const { mtime: _mtime, open: _open, ...e } = entry;
    if (e.type !== 'file') { out.push(e); continue; }
    const data = tar.subarray(dataOffset, dataOffset + e.size);
    out.push({ ...e, open: () => bytesStream(data) });
  }
  return out;
}

/** Every entry of a layer we wrote, with file contents read into memory (as `runtimeEntries` returns them). */
export async function entriesOfLayer(layer: Layer): Promise<FileEntry[]> {
  return entriesOfTar(layerItems(layer));
}

async function entriesOfTar(items: AsyncIterable<TarItem>): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for await (const { entry, body } of items) {
    const { mtime: _mtime, open: _open, ...e } = entry;
    if (e.type !== 'file') { out.push(e); continue; }
    const data = await collect(body, Number.MAX_SAFE_INTEGER);
    out.push({ ...e, open: () => bytesStream(data) });
  }
  return out;
}

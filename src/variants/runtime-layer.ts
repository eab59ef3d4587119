// prod's runtime set: the files of the runtime packages, made once per package set and kept as an uncompressed tar
// in the content store. A rebuild parses that tar (a few MB) instead of unpacking every .deb through dpkg-deb again.
// The set becomes a gzipped layer only when prod takes it whole: slicing or the ICU trim make prod's own layer, and
// deflating the whole set at level 9 for nothing was a tenth of a cold node build.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../files/atomic.js';
import type { LockedPackage } from '../debian/types.js';
import { runtimeEntries, type OsRelease } from '../debian/runtime.js';
import { bytesStream, collect, type BlobStore } from '../image/blob-store.js';
import type { FileEntry } from '../image/entry.js';
import { LAYER_FORMAT, layerFromEntries, layerItems, type Layer } from '../image/layer.js';
import { writeTar } from '../image/tar-write.js';
import { readTar, type TarItem } from '../image/tar-read.js';
import { readVerified, storeBytes, verifiedPath } from '../cache/cas.js';
import { readFileRange } from '../sinks/blob-store.js';
import { cachedLayer } from './layer-cache.js';
import { fileFactsOf, hashFileDigests, type FactKind, type FileDigests, type FileFacts, type SliceElf } from './slice.js';
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
  /** Make the set from the .debs even when it is kept, and keep nothing (--no-cache). */
  fresh?: boolean;
  /** The ELF reader slicing's facts come from (the gates'). */
  parseElf(bytes: Uint8Array): SliceElf | undefined;
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

/** The runtime entries (contents in memory), the package of each packaged path (what slicing cuts by), the layer. */
export interface RuntimeLayer {
  entries: FileEntry[];
  owners: ReadonlyMap<string, string>;
  /** The digests of the set's files, kept beside its tar between builds (`save` keeps the ones worked out since). */
  digests: DigestRecord;
  /** What slicing learnt of the set's files (ELF links, named paths, interpreters, Python imports), kept the same way. */
  facts: FactsRecord;
  /** The whole set as one gzipped layer (prod's level), made (and kept) the first time it is asked for. */
  layer(): Promise<Layer>;
}

export interface DigestRecord {
  /** md5, sha1 and sha256 of the set's file at `path`, whose bytes `data` gives: from the record, else hashed. */
  of(path: string, data: () => Promise<Uint8Array>): Promise<FileDigests>;
  /** The recorded digests of the set's file at `path`, if any (nothing is read). */
  known(path: string): FileDigests | undefined;
  save(): Promise<void>;
}

export interface FactsRecord {
  /** What slicing reads of the set's file at `path` (`kind`): from the record, else worked out from `bytes`. */
  of(path: string, kind: FactKind, bytes: () => Promise<Uint8Array>): Promise<FileFacts>;
  save(): Promise<void>;
}

/**
 * What `layers/runtime-<key>.json` records of a kept set: its uncompressed tar, in the content store, and the tar's
 * entries with the offset of each one's content (a rebuild reads only the files it needs, from there).
 */
interface SetRecord { sha256: string; size: number; entries?: ListedEntry[] }
type ListedEntry = [entry: Omit<FileEntry, 'open' | 'mtime'>, offset: number];

const ENTRY_KEYS = new Set(['path', 'type', 'mode', 'uid', 'gid', 'size', 'linkname']);
const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
/** A listing row that fits in a tar of `size` bytes: a well-formed entry whose content lies inside it. */
function validRow(r: unknown, size: number): r is ListedEntry {
  if (!Array.isArray(r) || r.length !== 2 || !count(r[1])) return false;
  const e = r[0] as Record<string, unknown> | null;
  if (e === null || typeof e !== 'object' || Object.keys(e).some((k) => !ENTRY_KEYS.has(k))) return false;
  return typeof e.path === 'string' && ['file', 'dir', 'symlink', 'hardlink'].includes(e.type as string)
    && count(e.mode) && count(e.uid) && count(e.gid) && count(e.size) && (e.linkname === undefined || typeof e.linkname === 'string')
    && (r[1] as number) + (e.size as number) <= size;
}

/**
 * The runtime entries of a package set: read back from the set's kept tar when an earlier build made it (with the
 * owners recorded beside it), else made from the .debs and kept. A kept tar that is missing or does not verify is
 * made again from the .debs (the same bytes).
 */
export async function runtimeLayer(input: RuntimeLayerInput): Promise<RuntimeLayer> {
  const key = `runtime-${runtimeSetKey(input)}`;
  const file = (ext: string) => join(input.cacheDir, 'layers', `${key}${ext}`);
  const digests = await digestRecord(input.fresh ? undefined : file('.digests.json'));
  const facts = await factsRecord(input.fresh ? undefined : file('.facts.json'), input.parseElf);
  let layer: Promise<Layer> | undefined;
  const set = (entries: FileEntry[], owners: ReadonlyMap<string, string>): RuntimeLayer => ({
    entries, owners, digests, facts,
    layer: () => (layer ??= input.fresh
      ? layerFromEntries(entries, { epoch: input.epoch, store: input.store }).then((b) => b.layer)
      : cachedLayer(input.cacheDir, input.store, `${key}-layer`, () => layerFromEntries(entries, { epoch: input.epoch, store: input.store })).then((b) => b.layer)),
  });
  const make = async () => {
    const owners = new Map<string, string>();
    const entries = await runtimeEntries([...input.packages], { cache: input.cacheDir, osRelease: await input.readOsRelease(), owners });
    return { entries, owners };
  };
  if (input.fresh) {
    const made = await make();
    return set(made.entries, made.owners);
  }
  const kept = await keptSet(file('.json'), file('.owners.json'), input.cacheDir);
  if (kept) return set(kept.entries, kept.owners);
  const made = await make();
  // Not kept (a full disk, say): made again next time.
  await keepRuntimeSet(input, made.entries, made.owners).catch(() => undefined);
  return set(made.entries, made.owners);
}

/** The entries and owners of a kept set, or undefined when its record, owners or tar are missing or do not check. */
async function keptSet(recordFile: string, ownersFile: string, cacheDir: string) {
  if (!(await touchCacheEntry(recordFile))) return undefined;
  let record: SetRecord;
  try {
    const r = JSON.parse(await readFile(recordFile, 'utf8')) as Partial<SetRecord>;
    if (typeof r.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.sha256) || !Number.isSafeInteger(r.size)) return undefined;
    record = r as SetRecord;
  } catch { return undefined; }
  const owners = (await touchCacheEntry(ownersFile)) ? await readOwners(ownersFile) : undefined;
  if (!owners) return undefined;
  const listed = Array.isArray(record.entries) && record.entries.every((r) => validRow(r, record.size)) ? record.entries : undefined;
  if (listed) {
    // Checked (hashed once, trusted while its stat identity holds), not read: each file is read when asked for.
    const tar = await verifiedPath(cacheDir, record.sha256, record.size);
    if (!tar) return undefined;
    const entries = listed.map(([e, offset]): FileEntry => (e.type === 'file' ? { ...e, open: () => readFileRange(tar, offset, e.size) } : { ...e }));
    return { entries, owners };
  }
  const tar = await readVerified(cacheDir, record.sha256, record.size);
  if (!tar) return undefined;
  return { entries: await entriesOfTarBytes(tar, `the kept runtime set ${record.sha256}`), owners };
}

/**
 * Keeps a runtime set made from its .debs for the next build: the owners first, then the tar, then the record naming
 * it (written last, so a record that is there names a tar and owners that are).
 */
export async function keepRuntimeSet(
  input: Pick<RuntimeLayerInput, 'packages' | 'baseFiles' | 'identity' | 'epoch' | 'cacheDir'>, entries: readonly FileEntry[], owners: ReadonlyMap<string, string>,
): Promise<void> {
  const key = `runtime-${runtimeSetKey(input)}`;
  const file = (ext: string) => join(input.cacheDir, 'layers', `${key}${ext}`);
  const tar = await collect(writeTar(entries, input.epoch).stream, Number.MAX_SAFE_INTEGER);
  await mkdir(join(input.cacheDir, 'layers'), { recursive: true });
  await writeFileAtomic(file('.owners.json'), `${JSON.stringify([...owners].sort())}\n`);
  const sha256 = await storeBytes(input.cacheDir, tar);
  const listed: ListedEntry[] = [];
  for await (const { entry, dataOffset } of readTar(bytesStream(tar), { where: 'the runtime set' })) {
    const { mtime: _mtime, open: _open, ...e } = entry;
    listed.push([e, e.type === 'file' ? dataOffset : 0]);
  }
  await writeFileAtomic(file('.json'), `${JSON.stringify({ sha256, size: tar.length, entries: listed } satisfies SetRecord)}\n`);
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A map kept in `file` between builds (undefined: none kept, as with --no-cache) as rows of [key, value]. The file
 * holds its own digest: one that does not check, or a row `valid` refuses, is not used (the values are worked out
 * again and the record written anew).
 */
async function keptMap<V>(file: string | undefined, valid: (v: unknown) => v is V) {
  const known = new Map<string, V>();
  if (file && (await touchCacheEntry(file))) {
    try {
      const { check, value } = JSON.parse(await readFile(file, 'utf8')) as { check?: unknown; value?: unknown };
      const rows = Array.isArray(value) ? value as unknown[] : [];
      const row = (r: unknown): r is [string, V] => Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && valid(r[1]);
      if (check === sha256Hex(JSON.stringify(value)) && rows.every(row)) for (const [p, d] of rows) known.set(p, d);
    } catch { /* unreadable: worked out again */ }
  }
  let added = 0;
  return {
    get: (key: string) => known.get(key),
    set(key: string, v: V) { known.set(key, v); added++; },
    async save() {
      if (!file || added === 0) return;
      const value = JSON.stringify([...known].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      await mkdir(dirname(file), { recursive: true });
      await writeFileAtomic(file, `{"check":"${sha256Hex(value)}","value":${value}}\n`);
      added = 0;
    },
  };
}

const isDigests = (d: unknown): d is FileDigests => Array.isArray(d) && d.length === 3
  && d.every((x, i) => typeof x === 'string' && x.length === [32, 40, 64][i] && /^[0-9a-f]+$/.test(x));

/** The digests of a runtime set's files, read from `file` (see `keptMap`). */
export async function digestRecord(file: string | undefined): Promise<DigestRecord> {
  const map = await keptMap(file, isDigests);
  return {
    async of(path, data) {
      const had = map.get(path);
      if (had) return had;
      const d = hashFileDigests(await data());
      map.set(path, d);
      return d;
    },
    known: (path) => map.get(path),
    save: () => map.save(),
  };
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isPath = (v: unknown) => v === undefined || typeof v === 'string' || isStrings(v);
function isFacts(v: unknown): v is FileFacts {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const f = v as Record<string, unknown>;
  if (Object.keys(f).some((k) => !['elf', 'named', 'shebang', 'imports'].includes(k))) return false;
  if (f.named !== undefined && !isStrings(f.named)) return false;
  if (f.imports !== undefined && !isStrings(f.imports)) return false;
  if (f.shebang !== undefined && typeof f.shebang !== 'string') return false;
  if (f.elf === undefined) return true;
  const e = f.elf as Record<string, unknown> | null;
  return e !== null && typeof e === 'object' && isStrings(e.needed) && isStrings(e.imports)
    && (e.interpreter === undefined || typeof e.interpreter === 'string') && isPath(e.rpath) && isPath(e.runpath);
}

/** What slicing learnt of a runtime set's files, read from `file` (see `keptMap`); `parseElf` works out the rest. */
export async function factsRecord(file: string | undefined, parseElf: (b: Uint8Array) => SliceElf | undefined): Promise<FactsRecord> {
  const map = await keptMap(file, isFacts);
  return {
    async of(path, kind, bytes) {
      const key = `${kind}:${path}`;
      const had = map.get(key);
      if (had) return had;
      const f = fileFactsOf(await bytes(), kind, parseElf);
      map.set(key, f);
      return f;
    },
    save: () => map.save(),
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

/** The entries of a whole tar held in memory: each file's content is a view of those bytes, not a copy. */
async function entriesOfTarBytes(tar: Uint8Array, where: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for await (const { entry, dataOffset } of readTar(bytesStream(tar), { where })) {
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

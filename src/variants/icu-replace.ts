// `variants.prod.icu`: prod's libicudata.so.NN replaced by one airlock makes from the same ICU data, trimmed (see
// icu-data.ts). The file is then no longer the package's: its md5sums line goes, and the SBOMs and `airlock why`
// say who made it. Pure: entries in, entries out; the ELF symbol reader is passed in.
import { createHash } from 'node:crypto';
import { AirlockError } from '../errors.js';
import { entryBytes, type FileEntry } from '../image/entry.js';
import { dataLibrary } from './elf-data-library.js';
import { trimIcuPackage, type IcuRemoval, type IcuSettings } from './icu-data.js';
import { hashFileDigests, type FileDigests, type SliceResult } from './slice.js';

export interface IcuReplaceInput {
  /** prod's runtime entries (sliced or whole), contents in memory. */
  entries: readonly FileEntry[];
  owners: ReadonlyMap<string, string>;
  settings: IcuSettings;
  /** The bytes of a data symbol an ELF shared object defines (the gates' ELF reader). */
  symbolData(bytes: Uint8Array, name: string): Uint8Array | undefined;
  /** md5, sha1 and sha256 of a package's file (its bytes from `data`), from the record slicing used (default: hashed). */
  fileDigests?(path: string, data: () => Promise<Uint8Array>): Promise<FileDigests>;
  /**
   * The trimmed library made earlier from the same original (its sha256) and settings, kept by the caller; `keep`
   * records one made now. Without them every build trims again (a few tenths of a second for Debian's ICU).
   */
  made?: {
    find(path: string, originalSha256: string): Promise<KeptIcuLibrary | undefined>;
    keep(path: string, originalSha256: string, made: KeptIcuLibrary): Promise<void>;
  };
}

/** A trimmed ICU data library as kept between builds: its bytes and what the trim counted. */
export interface KeptIcuLibrary {
  bytes: Uint8Array;
  keptItems: number;
  removedItems: number;
  removed: Partial<Record<IcuRemoval, number>>;
}

/** One replaced file: what it was, what airlock made, what was left out (report.json's `icu`, the SBOMs, why). */
export interface IcuReplacement {
  path: string;
  /** The package the original belongs to (libicu72), whose md5sums no longer name the path. */
  package: string;
  symbol: string;
  languages: string[] | 'all';
  converters: boolean;
  original: { size: number; sha256: string };
  made: { size: number; sha1: string; sha256: string };
  keptItems: number;
  removedItems: number;
  removed: Partial<Record<IcuRemoval, number>>;
  /** The package's regular files its md5sums now names, with their hashes: what the SBOMs list for it. */
  packageFiles: { path: string; sha1: string; sha256: string }[];
}

/** The real file of ICU's data library (libicudata.so.72.1; the soname is a symlink to it). */
const ICU_DATA_LIBRARY = /^usr\/lib\/[^/]+\/libicudata\.so\.(\d+)(?:\.\d+)*$/;
const EM_MIPS = 8;


const digest = (algo: string, b: Uint8Array) => createHash(algo).update(b).digest('hex');
const fileEntry = (e: FileEntry, data: Uint8Array): FileEntry => ({
  ...e, size: data.length, open: async function* () { yield data; },
});

/** The library airlock makes in place of `original`: same ELF class, byte order, ABI, machine and soname. */
function rebuild(original: Uint8Array, path: string, major: string, data: Uint8Array): Uint8Array {
  const v = new DataView(original.buffer, original.byteOffset, original.byteLength);
  const elfClass = original[4] as 1 | 2, elfData = original[5] as 1 | 2;
  const le = elfData === 1;
  const machine = v.getUint16(18, le);
  if (machine === EM_MIPS) {
    const hint = 'remove variants.prod.icu';
    throw new AirlockError('usage', 'icu-unsupported-architecture', `variants.prod.icu: cannot rebuild /${path} for MIPS`, { hint });
  }
  return dataLibrary({
    elfClass, elfData, osAbi: original[7]!, machine, flags: v.getUint32(elfClass === 2 ? 48 : 36, le),
    soname: `libicudata.so.${major}`, symbol: `icudt${major}_dat`, data,
  });
}

/** Replaces every libicudata of prod's runtime entries; entries unchanged (and no replacement) when there is none. */
export async function replaceIcuData(
  input: IcuReplaceInput,
): Promise<{ entries: FileEntry[]; replacements: IcuReplacement[] }> {
  const replacements: IcuReplacement[] = [];
  const packaged = (path: string, data: () => Promise<Uint8Array>) => (input.fileDigests ?? (async (_p, d) => hashFileDigests(await d())))(path, data);
  const replaced = new Map<string, FileEntry>();
  for (const e of input.entries) {
    const m = ICU_DATA_LIBRARY.exec(e.path);
    const owner = input.owners.get(e.path);
    if (!m || e.type !== 'file' || owner === undefined) continue;
    const symbol = `icudt${m[1]}_dat`;
    // Read once at most: for its digest when the caller keeps none, and for the trim when none is kept.
    let read: Uint8Array | undefined;
    const bytes = async () => (read ??= await entryBytes(e));
    const originalSha256 = (await packaged(e.path, bytes))[2];
    let trimmed = await input.made?.find(e.path, originalSha256);
    if (!trimmed) {
      const original = await bytes();
      const dat = input.symbolData(original, symbol);
      if (!dat) {
        throw new AirlockError('image', 'icu-data-unreadable', `variants.prod.icu: /${e.path} defines no data symbol ${symbol}`, {
          hint: 'remove variants.prod.icu, or report the libicu package version',
        });
      }
      const trim = trimIcuPackage(dat, input.settings);
      trimmed = { bytes: rebuild(original, e.path, m[1]!, trim.data), keptItems: trim.keptItems, removedItems: trim.removedItems, removed: trim.removed };
      await input.made?.keep(e.path, originalSha256, trimmed);
    }
    const made = trimmed.bytes;
    replaced.set(e.path, fileEntry(e, made));
    replacements.push({
      path: e.path, package: owner, symbol,
      languages: input.settings.languages ?? 'all', converters: input.settings.converters,
      original: { size: e.size, sha256: originalSha256 },
      made: { size: made.length, sha1: digest('sha1', made), sha256: digest('sha256', made) },
      keptItems: trimmed.keptItems, removedItems: trimmed.removedItems, removed: trimmed.removed, packageFiles: [],
    });
  }
  if (replacements.length === 0) return { entries: [...input.entries], replacements };
  const entries: FileEntry[] = [];
  const listed = new Map<string, string[]>();
  for (const e of input.entries) {
    const md5 = /^var\/lib\/dpkg\/status\.d\/(.+)\.md5sums$/.exec(e.path);
    const gone = md5 ? replacements.filter((r) => r.package === md5[1]).map((r) => r.path) : [];
    if (!gone.length) { entries.push(replaced.get(e.path) ?? e); continue; }
    const lines = Buffer.from(await entryBytes(e)).toString('utf8').split('\n');
    const left = lines.filter((l) => !gone.some((p) => l.endsWith(`  ${p}`) || l.endsWith(`  /${p}`)));
    entries.push(fileEntry(e, Buffer.from(left.join('\n'))));
    const paths = left.map((l) => /^[0-9a-f]{32} [ *]\/?(.+)$/.exec(l)?.[1]);
    listed.set(md5![1]!, paths.filter((x): x is string => x !== undefined));
  }
  const byPath = new Map(entries.map((e) => [e.path, e]));
  for (const r of replacements) {
    for (const path of (listed.get(r.package) ?? []).sort()) {
      const e = byPath.get(path);
      if (e?.type !== 'file') continue;
      const [, sha1, sha256] = await packaged(path, () => entryBytes(e));
      r.packageFiles.push({ path, sha1, sha256 });
    }
  }
  return { entries, replacements };
}

/** A slice result whose packages no longer claim the replaced files (what the report and the SBOMs list). */
export function withoutReplaced(r: SliceResult, replacements: readonly IcuReplacement[]): SliceResult {
  const gone = new Map(replacements.map((x) => [x.path, x.original.size]));
  const digests = new Map([...r.digests].filter(([p]) => !gone.has(p)));
  const packages = r.packages.map((p) => {
    const out = p.kept.filter((f) => gone.has(f));
    if (out.length === 0) return p;
    const bytes = out.reduce((n, f) => n + gone.get(f)!, 0);
    return { ...p, whole: false, kept: p.kept.filter((f) => !gone.has(f)), keptBytes: p.keptBytes - bytes };
  });
  return { ...r, packages, digests };
}

// Streaming tar reader (ustar, PAX, GNU long names) with path-safety rules and limits for hostile input.
import { AirlockError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import type { EntryType, FileEntry } from './entry.js';
import { checkEntryPath, checkSymlink, normalizeTarPath, parentsOf } from './path-safety.js';
import { BLOCK, decodeHeader, decodePax, type HeaderFields } from './tar-header.js';

/** Limits that stop hostile archives. */
export interface TarLimits {
  maxEntries: number;
  /** Sum of all entry contents, in bytes. */
  maxBytes: number;
}

/** Defaults: one million entries, 64 GiB of content. */
export const DEFAULT_LIMITS: TarLimits = { maxEntries: 1_000_000, maxBytes: 64 * 1024 ** 3 };

/** One entry; `body` is readable only until the next item is requested (unread data is skipped). */
export interface TarItem {
  entry: FileEntry;
  body: AsyncIterable<Uint8Array>;
  /** Byte offset of the entry's data in the (uncompressed) stream. */
  dataOffset: number;
}

const TYPES: Record<string, EntryType> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '5': 'dir' };

function bad(where: string, msg: string, cause?: unknown): never {
  throw new AirlockError('image', 'bad-tar', `${where}: ${msg}`, { cause, hint: 'the layer is not a valid or safe tar archive' });
}

const padOf = (n: number) => (BLOCK - (n % BLOCK)) % BLOCK;

/** Reads an uncompressed tar stream entry by entry, enforcing path safety and limits. */
export async function* readTar(src: AsyncIterable<Uint8Array>, opts: { limits?: TarLimits; where?: string } = {}): AsyncGenerator<TarItem> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const where = opts.where ?? 'layer';
  const r = new ByteReader(src);
  const seen = new Set<string>();
  const symlinks = new Set<string>();
  let count = 0;
  let total = 0;
  let global = new Map<string, string>();
  let local = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  const readBody = async (size: number): Promise<Uint8Array> => {
    if (size > 1024 * 1024) bad(where, `metadata entry of ${size} bytes is too large`);
    const b = await r.read(size + padOf(size));
    if (b.length < size + padOf(size)) bad(where, 'archive ends inside an entry');
    return b.subarray(0, size);
  };
  try {
    for (;;) {
      const block = await r.read(BLOCK);
      if (block.length === 0) return;
      if (block.length < BLOCK) bad(where, 'archive ends inside a header');
      let h: HeaderFields | undefined;
      try { h = decodeHeader(block); } catch (e) { bad(where, (e as Error).message, e); }
      if (!h) return; // end-of-archive marker
      if (h.typeflag === 'x' || h.typeflag === 'g') {
        const body = await readBody(h.size);
        let recs: Map<string, string>;
        try { recs = decodePax(body); } catch (e) { bad(where, (e as Error).message, e); }
        if (h.typeflag === 'g') global = new Map([...global, ...recs]);
        else local = recs;
        continue;
      }
      if (h.typeflag === 'L' || h.typeflag === 'K') {
        const s = new TextDecoder().decode(await readBody(h.size)).replace(/\0+$/, '');
        if (h.typeflag === 'L') longName = s; else longLink = s;
        continue;
      }
      const pax = new Map([...global, ...local]);
      local = new Map();
      const raw = pax.get('path') ?? longName ?? (h.prefix ? `${h.prefix}/${h.name}` : h.name);
      const link = pax.get('linkpath') ?? longLink ?? h.linkname ?? '';
      longName = longLink = undefined;
      const size = pax.has('size') ? Number(pax.get('size')) : h.size;
      const type = TYPES[h.typeflag];
      if (!type) bad(where, `"${raw}" has unsupported entry type '${h.typeflag}' (devices and fifos are not allowed)`);
      if (!Number.isSafeInteger(size) || size < 0) bad(where, `"${raw}" has an invalid size`);
      if (++count > limits.maxEntries) bad(where, `more than ${limits.maxEntries} entries`);
      const dataSize = type === 'file' ? size : 0;
      total += dataSize;
      if (total > limits.maxBytes) bad(where, `content exceeds ${limits.maxBytes} bytes`);
      const path = normalizeTarPath(raw);
      const skipAfter = type === 'file' ? size : (type === 'dir' ? 0 : size);
      if (path === '') { await r.skip(skipAfter + padOf(skipAfter)); continue; }
      checkEntryPath(path, where);
      for (const p of parentsOf(path)) if (symlinks.has(p)) bad(where, `"${path}" lies under the symlink "${p}"`);
      const num = (key: string, fallback: number): number => {
        if (!pax.has(key)) return fallback;
        const n = Math.floor(Number(pax.get(key)));
        if (!Number.isSafeInteger(n) || n < 0) bad(where, `"${path}" has an invalid PAX ${key}`);
        return n;
      };
      const entry: FileEntry = { path, type, mode: h.mode & 0o7777, size: dataSize, uid: num('uid', h.uid), gid: num('gid', h.gid), mtime: num('mtime', h.mtime) };
      if (type === 'symlink') { checkSymlink(path, link, where); entry.linkname = link; symlinks.add(path); }
      else symlinks.delete(path);
      if (type === 'hardlink') {
        const target = normalizeTarPath(link);
        checkEntryPath(target, `${where}: hardlink target of "${path}"`);
        if (!seen.has(target)) bad(where, `hardlink "${path}" points to "${target}", which is not earlier in the archive`);
        entry.linkname = target;
      }
      seen.add(path);
      let consumed = 0;
      const body = (async function* () {
        for await (const c of r.chunks(dataSize - consumed)) { consumed += c.length; yield c; }
      })();
      yield { entry, body, dataOffset: r.position };
      const left = skipAfter - consumed;
      const want = left + padOf(skipAfter);
      if ((await r.skip(want)) < want) bad(where, `archive ends inside "${path}"`);
    }
  } finally {
    await r.close();
  }
}

/** Reads all entries (metadata only; bodies are skipped). */
export async function listTar(src: AsyncIterable<Uint8Array>, opts: { limits?: TarLimits; where?: string } = {}): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for await (const { entry } of readTar(src, opts)) out.push(entry);
  return out;
}

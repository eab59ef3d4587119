// Reads a directory tree into FileEntry[] (lstat walk): real owners and modes, hardlinks by inode, lazy content.
import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import type { FileEntry } from '../image/entry.js';
import { compareBytes } from '../image/json.js';
import { readFileSized } from './blob-store.js';
import { eventLoopTurns } from '../files/event-loop.js';

/** Options of `entriesFromDir`. */
export interface DirSourceOptions {
  /** Keep an entry? Gets the path relative to `root` (without `prefix`); a rejected directory is not descended into. */
  filter?: (relPath: string, entry: FileEntry) => boolean;
  /** Overrides owners: a fixed owner for everything, or a function of the root-relative path and entry. */
  owner?: { uid: number; gid: number } | ((relPath: string, entry: FileEntry) => { uid: number; gid: number });
  /** Sockets, fifos and devices: an error (default) or skipped. */
  special?: 'error' | 'skip';
  /** Prefix put before every relative path (e.g. "opt/app"); no leading or trailing '/'. */
  prefix?: string;
}

/** lstat, with a failure (a file removed while the tree is read, no permission) as an error naming the path. */
function lstatSyncOr(path: string): Stats {
  try { return lstatSync(path); } catch (e) {
    throw new AirlockError('image', 'read-dir', `cannot read ${path}: ${(e as Error).message}`, { cause: e, hint: 'check that the path exists and is readable' });
  }
}

function typeOf(st: Stats): FileEntry['type'] | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  return undefined;
}

/** Lists `root` recursively as entries sorted bytewise; the root itself is not an entry. */
export async function entriesFromDir(root: string, opts: DirSourceOptions = {}): Promise<FileEntry[]> {
  const out: { e: FileEntry; key?: string }[] = [];
  const turn = eventLoopTurns();
  const walk = async (abs: string, rel: string): Promise<void> => {
    let names: string[];
    try { names = readdirSync(abs); } catch (e) {
      throw new AirlockError('image', 'read-dir', `cannot read directory ${abs}: ${(e as Error).message}`, { cause: e, hint: 'check that the path exists and is readable' });
    }
    names.sort(compareBytes);
    await turn(names.length); // read synchronously: src/files/event-loop.ts
    for (const name of names) {
      const a = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const path = opts.prefix ? `${opts.prefix}/${r}` : r;
      const st = lstatSyncOr(a);
      const type = typeOf(st);
      if (!type) {
        if (opts.special === 'skip') continue;
        throw new AirlockError('image', 'special-file', `${a} is a socket, fifo or device, which images may not contain`, { hint: 'remove it or filter it out' });
      }
      const e: FileEntry = { path, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === 'file' ? st.size : 0 };
      if (type === 'symlink') e.linkname = readlinkSync(a);
      if (type === 'file') e.open = () => readFileSized(a, st.size);
      if (opts.filter && !opts.filter(r, e)) continue;
      if (opts.owner) {
        const o = typeof opts.owner === 'function' ? opts.owner(r, e) : opts.owner;
        e.uid = o.uid;
        e.gid = o.gid;
      }
      out.push({ e, ...(type === 'file' && st.nlink > 1 ? { key: `${st.dev}:${st.ino}` } : {}) });
      if (type === 'dir') await walk(a, r);
    }
  };
  await walk(root, '');
  out.sort((x, y) => compareBytes(x.e.path, y.e.path));
  const firstByInode = new Map<string, string>();
  return out.map(({ e, key }) => {
    if (!key) return e;
    const first = firstByInode.get(key);
    if (first === undefined) { firstByInode.set(key, e.path); return e; }
    const { open: _open, ...rest } = e;
    return { ...rest, type: 'hardlink', size: 0, linkname: first };
  });
}

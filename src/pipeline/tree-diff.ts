// What a step changed in a folder: a stat snapshot before and after, compared entry by entry.
import {
  chmodSync, copyFileSync, lchownSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { compareBytes } from '../image/json.js';
import { eventLoopTurns } from '../files/event-loop.js';

export interface StatEntry {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** "dev:ino", to see hard links and files replaced under the same name. */
  inode: string;
  nlink: number;
  linkname?: string;
}

/**
 * Every entry under `root` (relative paths, '/'-separated); sockets, fifos and devices are left out. Read with
 * synchronous calls (the event loop gets a turn every few thousand entries): awaited one at a time through libuv's
 * thread pool, a walk of a big tree (node_modules, a Maven repository) took several times as long.
 */
export async function snapshotTree(root: string): Promise<Map<string, StatEntry>> {
  const out = new Map<string, StatEntry>();
  const turn = eventLoopTurns();
  const walk = async (abs: string, rel: string): Promise<void> => {
    const names = readdirSync(abs).sort(compareBytes);
    await turn(names.length);
    for (const name of names) {
      const a = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(a, { bigint: true });
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : undefined;
      if (!type) continue;
      out.set(r, {
        type, mode: Number(st.mode & 0o7777n), size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs,
        inode: `${st.dev}:${st.ino}`, nlink: Number(st.nlink), ...(type === 'symlink' ? { linkname: readlinkSync(a) } : {}),
      });
      if (type === 'dir') await walk(a, r);
    }
  };
  await walk(root, '');
  return out;
}

export interface TreeChanges {
  /** Entries added or changed, in path order (parents first). */
  changed: string[];
  /** Entries gone (or replaced by another type), deepest first. */
  deleted: string[];
}

function sameEntry(a: StatEntry, b: StatEntry): boolean {
  if (a.type !== b.type || a.mode !== b.mode) return false;
  if (a.type === 'dir') return true; // a directory's own times change with its children; its children are compared
  if (a.type === 'symlink') return a.linkname === b.linkname;
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.inode === b.inode;
}

/** The entries of `after` that are new or differ from `before`, and the paths of `before` that are gone. */
export function diffTrees(before: Map<string, StatEntry>, after: Map<string, StatEntry>): TreeChanges {
  const changed: string[] = [];
  const deleted: string[] = [];
  for (const [p, b] of before) {
    const a = after.get(p);
    if (!a || a.type !== b.type) deleted.push(p);
  }
  for (const [p, a] of after) {
    const b = before.get(p);
    if (!b || !sameEntry(b, a)) changed.push(p);
  }
  return { changed: changed.sort(compareBytes), deleted: deleted.sort(compareBytes).reverse() };
}

/**
 * A copy of a tree whose files are hard links to the originals (a copy where the file system cannot link): what a
 * later write of a new file, a deletion or a rename under `from` does is not seen under `to`. Directories are made
 * with the originals' modes and owners; symlinks are copied; sockets, fifos and devices are left out.
 */
export async function linkTree(from: string, to: string): Promise<void> {
  const turn = eventLoopTurns();
  const copy = async (a0: string, b0: string, st: Stats): Promise<void> => {
    mkdirSync(b0);
    chmodSync(b0, st.mode & 0o7777);
    lchownSync(b0, st.uid, st.gid);
    const names = readdirSync(a0).sort(compareBytes);
    await turn(names.length);
    for (const name of names) {
      const a = join(a0, name);
      const b = join(b0, name);
      const s = lstatSync(a);
      if (s.isDirectory()) await copy(a, b, s);
      else if (s.isSymbolicLink()) { symlinkSync(readlinkSync(a), b); lchownSync(b, s.uid, s.gid); }
      else if (s.isFile()) {
        try { linkSync(a, b); } catch { copyFileSync(a, b); }
      }
    }
  };
  await copy(from, to, lstatSync(from));
}

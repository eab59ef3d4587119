// What a step changed in a folder: a stat snapshot before and after, compared entry by entry.
import { chmod, copyFile, lchown, link, lstat, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { compareBytes } from '../image/json.js';

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

/** Every entry under `root` (relative paths, '/'-separated); sockets, fifos and devices are left out. */
export async function snapshotTree(root: string): Promise<Map<string, StatEntry>> {
  const out = new Map<string, StatEntry>();
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const name of (await readdir(abs)).sort(compareBytes)) {
      const a = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(a, { bigint: true });
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : undefined;
      if (!type) continue;
      out.set(r, {
        type, mode: Number(st.mode & 0o7777n), size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs,
        inode: `${st.dev}:${st.ino}`, nlink: Number(st.nlink), ...(type === 'symlink' ? { linkname: await readlink(a) } : {}),
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
  const st = await lstat(from);
  await mkdir(to);
  await chmod(to, st.mode & 0o7777);
  await lchown(to, st.uid, st.gid);
  for (const name of (await readdir(from)).sort(compareBytes)) {
    const a = join(from, name);
    const b = join(to, name);
    const s = await lstat(a);
    if (s.isDirectory()) await linkTree(a, b);
    else if (s.isSymbolicLink()) { await symlink(await readlink(a), b); await lchown(b, s.uid, s.gid); }
    else if (s.isFile()) await link(a, b).catch(() => copyFile(a, b));
  }
}

// Validates and orders FileEntry lists for the tar writer: sorted, parents first, safe paths and links.
import { AirlockError } from '../errors.js';
import type { FileEntry } from './entry.js';
import { checkEntryPath, checkSymlink, parentsOf } from './path-safety.js';

/** Entries ready to write, plus the setuid/setgid paths found (callers list them to the user). */
export interface TarPlan {
  entries: FileEntry[];
  special: string[];
}

/** Options of `planTar`. */
export interface PlanOptions {
  /** Names the layer in error messages. */
  where?: string;
  /** Forces every entry's owner (e.g. 0:0); default keeps each entry's uid/gid. */
  owner?: { uid: number; gid: number };
}

function fail(code: string, msg: string, hint: string): never {
  throw new AirlockError('image', code, msg, { hint });
}

/** Checks entries and returns them sorted bytewise with missing parent dirs (0755 root) inserted. */
export function planTar(input: readonly FileEntry[], opts: PlanOptions = {}): TarPlan {
  const where = opts.where ?? 'layer';
  const byPath = new Map<string, FileEntry>();
  for (const e0 of input) {
    checkEntryPath(e0.path, where);
    if (byPath.has(e0.path)) fail('duplicate-path', `${where}: "${e0.path}" appears twice`, 'each path may appear once in a layer');
    if (!Number.isInteger(e0.mode) || e0.mode < 0 || e0.mode > 0o7777) {
      fail('bad-mode', `${where}: "${e0.path}" has mode ${e0.mode} outside 0..0o7777`, 'pass permission bits only (no file-type bits)');
    }
    const e: FileEntry = { ...e0 };
    if (opts.owner) { e.uid = opts.owner.uid; e.gid = opts.owner.gid; }
    if (e.type !== 'file') e.size = 0;
    else if (!Number.isSafeInteger(e.size) || e.size < 0) fail('bad-size', `${where}: "${e.path}" has size ${e.size}`, 'sizes are byte counts');
    else if (e.size > 0 && !e.open) fail('no-content', `${where}: file "${e.path}" has ${e.size} bytes but no opener`, 'give file entries an open() function');
    if (e.type === 'symlink') {
      if (!e.linkname) fail('bad-link', `${where}: symlink "${e.path}" has no target`, 'set linkname');
      checkSymlink(e.path, e.linkname, where);
    }
    if (e.type === 'hardlink') {
      if (!e.linkname) fail('bad-link', `${where}: hardlink "${e.path}" has no target`, 'set linkname to the path of an earlier file');
      checkEntryPath(e.linkname, `${where}: hardlink target of "${e.path}"`);
    }
    byPath.set(e.path, e);
  }
  for (const e of [...byPath.values()]) {
    for (const p of parentsOf(e.path)) {
      const parent = byPath.get(p);
      if (!parent) byPath.set(p, { path: p, type: 'dir', mode: 0o755, uid: opts.owner?.uid ?? 0, gid: opts.owner?.gid ?? 0, size: 0 });
      else if (parent.type !== 'dir') {
        fail('unsafe-path', `${where}: "${e.path}" lies under "${p}", which is a ${parent.type}, not a directory`, 'a path may not pass through a symlink or file');
      }
    }
  }
  const keyed = [...byPath.values()].map((e) => ({ e, k: Buffer.from(e.path, 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.k, b.k));
  const entries = keyed.map((x) => x.e);
  const seen = new Set<string>();
  const special: string[] = [];
  for (const e of entries) {
    if (e.type === 'hardlink') {
      const t = byPath.get(e.linkname!);
      if (!t || t.type !== 'file' || !seen.has(t.path)) {
        fail('bad-hardlink', `${where}: hardlink "${e.path}" -> "${e.linkname}" must point to a regular file written before it`,
          'the link target must be a file entry whose path sorts before the link');
      }
    }
    if (e.type === 'file' && (e.mode & 0o6000) !== 0) special.push(e.path);
    seen.add(e.path);
  }
  return { entries, special };
}

// Compares two images: files, Debian packages and sizes added, removed and changed (what dev has that prod doesn't).
import type { FsEntry, ImageFs } from './fs-types.js';
import { installedPackages, type InstalledPackage } from './packages.js';

/**
 * A file present in one image only, or in both with different metadata. `sliced`: the image that lacks it is an
 * airlock prod whose slicing left it out of this Debian package (from its build's why.json; `airlock diff` adds it).
 */
export interface FileChange {
  path: string;
  type: string;
  size: number;
  sizeBefore?: number;
  what?: string;
  sliced?: { package: string; reason: string };
}
/** A package present in one image only, or in both with different versions. */
export interface PackageChange { name: string; architecture: string; version: string; versionBefore?: string }

/** The difference from image A to image B. */
export interface ImageDiff {
  files: { added: FileChange[]; removed: FileChange[]; changed: FileChange[] };
  packages: { added: PackageChange[]; removed: PackageChange[]; changed: PackageChange[] };
  size: { a: number; b: number; added: number; removed: number; delta: number };
}

const bytesOf = (fs: ImageFs) => fs.entries.reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0);

function changed(a: FsEntry, b: FsEntry): string | undefined {
  const what: string[] = [];
  if (a.type !== b.type) what.push(`type ${a.type}→${b.type}`);
  if (a.size !== b.size) what.push('size');
  if (a.mode !== b.mode) what.push(`mode ${a.mode.toString(8)}→${b.mode.toString(8)}`);
  if (a.uid !== b.uid || a.gid !== b.gid) what.push(`owner ${a.uid}:${a.gid}→${b.uid}:${b.gid}`);
  if ((a.linkname ?? '') !== (b.linkname ?? '')) what.push('link target');
  return what.length ? what.join(', ') : undefined;
}

/** Diffs the merged file systems and package databases (content is compared by size and metadata, not by bytes). */
export async function diffImages(a: ImageFs, b: ImageFs): Promise<ImageDiff> {
  const files: ImageDiff['files'] = { added: [], removed: [], changed: [] };
  for (const e of b.entries) {
    const old = a.get(e.path);
    if (!old) files.added.push({ path: e.path, type: e.type, size: e.type === 'file' ? e.size : 0 });
    else {
      const what = changed(old, e);
      if (what) files.changed.push({ path: e.path, type: e.type, size: e.size, sizeBefore: old.size, what });
    }
  }
  for (const e of a.entries) if (!b.get(e.path)) files.removed.push({ path: e.path, type: e.type, size: e.type === 'file' ? e.size : 0 });
  const [pa, pb] = await Promise.all([installedPackages(a), installedPackages(b)]);
  const key = (p: InstalledPackage) => `${p.name}:${p.architecture}`;
  const ma = new Map(pa.map((p) => [key(p), p]));
  const mb = new Map(pb.map((p) => [key(p), p]));
  const packages: ImageDiff['packages'] = { added: [], removed: [], changed: [] };
  for (const p of pb) {
    const o = ma.get(key(p));
    if (!o) packages.added.push({ ...p });
    else if (o.version !== p.version) packages.changed.push({ ...p, versionBefore: o.version });
  }
  for (const p of pa) if (!mb.has(key(p))) packages.removed.push({ ...p });
  const sum = (l: FileChange[]) => l.reduce((n, f) => n + (f.type === 'file' ? f.size : 0), 0);
  const sa = bytesOf(a), sb = bytesOf(b);
  return { files, packages, size: { a: sa, b: sb, added: sum(files.added), removed: sum(files.removed), delta: sb - sa } };
}

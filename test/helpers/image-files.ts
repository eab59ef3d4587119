// The files of an image as one map: path → type, mode, owner and sha256 of the content (or the link target).
import { createHash } from 'node:crypto';
import type { Image } from '../../src/image/image.js';
import { imageFsFromImage } from '../../src/gates/from-image.js';

/** Every visible entry of the merged file system, described in one comparable line. */
export async function imageFiles(img: Image): Promise<Map<string, string>> {
  const fs = await imageFsFromImage(img);
  const sums = new Map<string, string>();
  await fs.scan((e) => (e.type === 'file' ? e.size + 1 : 0), (e, bytes) => {
    sums.set(e.path, createHash('sha256').update(bytes).digest('hex'));
  });
  const files = new Map<string, string>();
  for (const e of fs.entries) {
    const what = e.type === 'file' ? sums.get(e.path) ?? '(unread)' : e.type === 'symlink' ? `-> ${e.linkname}` : '';
    files.set(e.path, `${e.type} ${(e.mode & 0o7777).toString(8)} ${e.uid}:${e.gid} ${what}`);
  }
  return files;
}

/** Lines saying where two file maps differ (empty when they hold the same files). */
export function filesDiff(a: Map<string, string>, b: Map<string, string>, names = ['a', 'b']): string[] {
  const out: string[] = [];
  for (const p of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(p) !== b.get(p)) out.push(`${p}: ${names[0]} ${a.get(p) ?? '(none)'} | ${names[1]} ${b.get(p) ?? '(none)'}`);
  }
  return out.sort();
}

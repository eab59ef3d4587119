// Symlink resolution inside an image file system, from the image root, with a hop limit for loops.
import type { FsEntry } from './fs-types.js';

const MAX_HOPS = 40;

/** Resolves `path` (absolute or relative to the root) following symlinks in every component. */
export function resolvePath(get: (p: string) => FsEntry | undefined, path: string): { entry?: FsEntry; path: string; error?: 'missing' | 'loop' } {
  let pending = path.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const c = pending.shift()!;
    if (c === '..') { done.pop(); continue; }
    done.push(c);
    const cur = done.join('/');
    const e = get(cur);
    if (!e) return { path: cur, error: 'missing' };
    if (e.type === 'symlink' && e.linkname !== undefined) {
      if (++hops > MAX_HOPS) return { path: cur, error: 'loop' };
      done.pop();
      const target = e.linkname.split('/').filter((x) => x !== '' && x !== '.');
      if (e.linkname.startsWith('/')) done.length = 0;
      pending = [...target, ...pending];
    } else if (pending.length > 0 && e.type !== 'dir') {
      return { path: cur, error: 'missing' };
    }
  }
  const final = done.join('/');
  const entry = get(final);
  return entry ? { entry, path: final } : { path: final, error: 'missing' };
}

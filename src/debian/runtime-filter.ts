// Pure rules for runtime content: which package paths are dropped (docs, man, info, locales, lintian) and the usrmerge mapping.

/** Top-level directories that are symlinks into /usr on a merged-usr system (bookworm and later). */
export const MERGED_DIRS = ['bin', 'lib', 'lib32', 'lib64', 'libx32', 'sbin'];

/** Maps a path to its merged-usr location ("lib/x/libc.so.6" → "usr/lib/x/libc.so.6"); others unchanged. */
export function usrMerged(path: string): string {
  if (path.startsWith('usr/')) return path; // most paths: no top-level name to look at
  const slash = path.indexOf('/');
  const top = slash < 0 ? path : path.slice(0, slash);
  return MERGED_DIRS.includes(top) ? `usr/${path}` : path;
}

const DROPPED = ['usr/share/man', 'usr/share/info', 'usr/share/locale', 'usr/share/lintian', 'usr/share/linda', 'usr/share/doc-base', 'usr/share/gtk-doc'];

/** Whether a (merged, relative) path of a runtime package is kept: docs go except copyright files. */
export function keepRuntimePath(path: string, type: 'file' | 'dir' | 'symlink' | 'hardlink'): boolean {
  if (DROPPED.some((d) => path === d || path.startsWith(`${d}/`))) return false;
  if (path.startsWith('usr/share/doc/')) {
    const parts = path.split('/');
    if (parts.length === 4) return true; // usr/share/doc/<pkg> (a dir, or a symlink to another package's docs)
    return parts.length === 5 && parts[4] === 'copyright' && type !== 'dir';
  }
  return true;
}

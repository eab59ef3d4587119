// Path rules shared by the tar writer and reader: relative, no '..', no links escaping the root.
import { AirlockError } from '../errors.js';

/**
 * True when `path` passes every rule of `checkEntryPath`, in one pass over its characters (no array, no closure: the
 * merged view of a builder layer checks forty thousand paths on every build).
 */
function plainEntryPath(path: string): boolean {
  const n = path.length;
  if (n === 0 || path.charCodeAt(0) === 47 || path.charCodeAt(n - 1) === 47) return false;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 47 : path.charCodeAt(i);
    if (c === 0) return false;
    if (c !== 47) continue;
    const len = i - start;
    // An empty component, "." or "..".
    if (len === 0 || (path.charCodeAt(start) === 46 && (len === 1 || (len === 2 && path.charCodeAt(start + 1) === 46)))) return false;
    start = i + 1;
  }
  return true;
}

/** Checks an entry path: relative POSIX, no empty, '.', '..' components, no NUL. Throws AirlockError. */
export function checkEntryPath(path: string, where: string): void {
  if (plainEntryPath(path)) return;
  const bad = (why: string): never => {
    throw new AirlockError('image', 'unsafe-path', `${where}: path "${path}" ${why}`, {
      hint: 'entries must use relative paths inside the image root (no leading "/", no "..")',
    });
  };
  if (path === '') bad('is empty');
  if (path.startsWith('/')) bad('is absolute');
  if (path.includes('\0')) bad('contains a NUL byte');
  if (path.endsWith('/')) bad('ends with "/"');
  for (const c of path.split('/')) {
    if (c === '..') bad('contains ".."');
    if (c === '' || c === '.') bad('has an empty or "." component');
  }
}

/** Normalizes a path read from a tar ("./a/b/" → "a/b"); returns '' for the root itself. */
export function normalizeTarPath(raw: string): string {
  let p = raw;
  while (p.startsWith('./')) p = p.slice(2);
  while (p.endsWith('/')) p = p.slice(0, -1);
  return p === '.' ? '' : p;
}

/** True when a symlink at `path` pointing to `target` stays inside the root (resolved lexically). */
export function symlinkStaysInside(path: string, target: string): boolean {
  if (target === '' || target.includes('\0')) return false;
  const stack = target.startsWith('/') ? [] : path.split('/').slice(0, -1);
  for (const c of target.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (stack.length === 0) return false;
      stack.pop();
    } else stack.push(c);
  }
  return true;
}

/** Checks a symlink target; throws AirlockError naming the link when it escapes the root. */
export function checkSymlink(path: string, target: string, where: string): void {
  if (!symlinkStaysInside(path, target)) {
    throw new AirlockError('image', 'unsafe-symlink', `${where}: symlink "${path}" -> "${target}" escapes the image root`, {
      hint: 'use a target inside the image (absolute targets are resolved from the image root)',
    });
  }
}

/** The parent directories of a path, outermost first ("a/b/c" → ["a", "a/b"]). */
export function parentsOf(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

// Maps a path of a builder rootfs to the package that installed it, from var/lib/dpkg/info/*.list (merged-usr aware).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { usrMerged } from './runtime-filter.js';

const indexes = new Map<string, Map<string, string>>();

/** Canonical form of an absolute or relative path: relative, no trailing '/', merged-usr ("/lib/x" → "usr/lib/x"). */
export function canonicalPath(path: string): string {
  const bare = path.startsWith('/') || path.endsWith('/') ? path.replace(/^\/+/, '').replace(/\/+$/, '') : path;
  return usrMerged(bare);
}

/** Builds path → package for a rootfs (the first package in name order wins for shared directories). */
export function ownerIndex(rootfsDir: string): Map<string, string> {
  const cached = indexes.get(rootfsDir);
  if (cached) return cached;
  const info = join(rootfsDir, 'var', 'lib', 'dpkg', 'info');
  const m = new Map<string, string>();
  const lists = existsSync(info) ? readdirSync(info).filter((f) => f.endsWith('.list')).sort() : [];
  for (const f of lists) {
    const pkg = f.slice(0, -'.list'.length).replace(/:[a-z0-9]+$/, '');
    for (const line of readFileSync(join(info, f), 'utf8').split('\n')) {
      if (!line || line === '/.') continue;
      const key = canonicalPath(line);
      if (!m.has(key)) m.set(key, pkg);
    }
  }
  indexes.set(rootfsDir, m);
  return m;
}

/** The package owning `path` in the rootfs ("/lib/x86_64-linux-gnu/libc.so.6" → "libc6"), or undefined. */
export function packageOwningPath(rootfsDir: string, path: string): string | undefined {
  return ownerIndex(rootfsDir).get(canonicalPath(path));
}

// airlock's own identity in cache keys: the package version plus a digest of the code that runs, so a changed airlock
// never reuses a result an older one made (a step, a whole build).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomicSync } from '../files/atomic.js';

export const AIRLOCK_VERSION = '0.1.0';

let memo: string | undefined;

/**
 * "0.1.0+<12 hex>": the version and a digest of every module of the running code (src/ under tsx, dist/ compiled).
 * With `cacheDir`, the digest is kept under `<cache>/flags/` by the files' stat stamps (path, size, mtime, ctime,
 * inode): a build that runs unchanged code stats some hundred files instead of reading and hashing them.
 */
export function airlockIdentity(cacheDir?: string): string {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  memo ??= codeIdentity(root, join(dirname(root), 'assets'), cacheDir);
  return memo;
}

/** The identity of the code under `root` (modules, not tests) and the asset files under `assets`. */
export function codeIdentity(root: string, assets: string, cacheDir?: string): string {
  const code = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.test\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(root, f));
  // Programs kept as asset files run in the sandbox too.
  const assetFiles = existsSync(assets) ? readdirSync(assets, { recursive: true, encoding: 'utf8' }).map((f) => join(assets, f)) : [];
  const files: string[] = [];
  const stamps = createHash('sha256');
  for (const f of [...code, ...assetFiles].sort()) {
    const st = statSync(f);
    if (!st.isFile()) continue;
    files.push(f);
    stamps.update(`${f}\0${st.size}\0${st.mtimeMs}\0${st.ctimeMs}\0${st.ino}\0${st.dev}\n`);
  }
  const kept = cacheDir ? join(cacheDir, 'flags', `identity-${stamps.digest('hex').slice(0, 32)}`) : undefined;
  const known = kept ? readKept(kept) : undefined;
  if (known) return known;
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.slice(dirname(root).length)}\0`).update(readFileSync(f)).update('\0');
  const identity = `${AIRLOCK_VERSION}+${h.digest('hex').slice(0, 12)}`;
  if (kept) {
    try { writeFileAtomicSync(kept, identity); } catch { /* a read-only cache: hashed again next time */ }
  }
  return identity;
}

function readKept(path: string): string | undefined {
  try {
    const v = readFileSync(path, 'utf8');
    return new RegExp(`^${AIRLOCK_VERSION.replace(/\./g, '\\.')}\\+[0-9a-f]{12}$`).test(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

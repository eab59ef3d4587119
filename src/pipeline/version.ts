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
 * With `cacheDir`, the digest is kept in `<cache>/flags/identity` with the files' stat stamps (path, size, mtime,
 * ctime, inode): a build that runs unchanged code stats some hundred files instead of reading and hashing them.
 */
export function airlockIdentity(cacheDir?: string): string {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  memo ??= codeIdentity(root, join(dirname(root), 'assets'), cacheDir);
  return memo;
}

/** A file changed this close to the recording could change again within the same timestamp (as git's racy index). */
const RACY_MS = 2000;

/** The identity of the code under `root` (modules, not tests) and the asset files under `assets`. */
export function codeIdentity(root: string, assets: string, cacheDir?: string, now = Date.now()): string {
  const code = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.test\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(root, f));
  // Programs kept as asset files run in the sandbox too.
  const assetFiles = existsSync(assets) ? readdirSync(assets, { recursive: true, encoding: 'utf8' }).map((f) => join(assets, f)) : [];
  const files: string[] = [];
  const stamps = createHash('sha256');
  let newest = 0;
  for (const f of [...code, ...assetFiles].sort()) {
    const st = statSync(f);
    if (!st.isFile()) continue;
    files.push(f);
    newest = Math.max(newest, st.mtimeMs, st.ctimeMs);
    stamps.update(`${f}\0${st.size}\0${st.mtimeMs}\0${st.ctimeMs}\0${st.ino}\0${st.dev}\n`);
  }
  const stamp = stamps.digest('hex');
  const kept = cacheDir ? join(cacheDir, 'flags', 'identity') : undefined;
  const known = kept ? readKept(kept, stamp) : undefined;
  if (known) return known;
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.slice(dirname(root).length)}\0`).update(readFileSync(f)).update('\0');
  const identity = `${AIRLOCK_VERSION}+${h.digest('hex').slice(0, 12)}`;
  // Not kept while a file is racy: an edit of the same size in the same tick would keep the stamps and the old digest.
  if (kept && now - newest > RACY_MS) {
    try { writeFileAtomicSync(kept, `${JSON.stringify({ stamp, identity })}\n`); } catch { /* a read-only cache: hashed again next time */ }
  }
  return identity;
}

function readKept(path: string, stamp: string): string | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as { stamp?: unknown; identity?: unknown };
    const pattern = new RegExp(`^${AIRLOCK_VERSION.replace(/\./g, '\\.')}\\+[0-9a-f]{12}$`);
    return v.stamp === stamp && typeof v.identity === 'string' && pattern.test(v.identity) ? v.identity : undefined;
  } catch {
    return undefined;
  }
}

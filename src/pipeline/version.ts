// airlock's own identity in cache keys: the package version plus a digest of the code that runs, so a changed airlock
// never reuses a result an older one made (a step, a whole build).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const AIRLOCK_VERSION = '0.1.0';

let memo: string | undefined;

/** "0.1.0+<12 hex>": the version and a digest of every module of the running code (src/ under tsx, dist/ compiled). */
export function airlockIdentity(): string {
  if (memo) return memo;
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const h = createHash('sha256');
  const code = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.test\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(root, f));
  // Programs kept as asset files run in the sandbox too.
  const assets = join(dirname(root), 'assets');
  const assetFiles = existsSync(assets) ? readdirSync(assets, { recursive: true, encoding: 'utf8' }).map((f) => join(assets, f)) : [];
  for (const f of [...code, ...assetFiles].sort()) {
    if (!statSync(f).isFile()) continue;
    h.update(`${f.slice(dirname(root).length)}\0`).update(readFileSync(f)).update('\0');
  }
  memo = `${AIRLOCK_VERSION}+${h.digest('hex').slice(0, 12)}`;
  return memo;
}

// Reads each package's /usr/share/doc/NAME/copyright from a root file system (the builder's: prod drops docs).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { licensesFromCopyright } from './licenses.js';

/** License names per package (only packages whose copyright file is machine-readable appear). */
export async function readPackageLicenses(rootDir: string, packages: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const name of [...packages].sort()) {
    if (!/^[a-z0-9][a-z0-9+.-]*$/.test(name)) continue;
    const text = await readFile(join(rootDir, 'usr', 'share', 'doc', name, 'copyright'), 'utf8').catch(() => undefined);
    const names = text ? licensesFromCopyright(text) : [];
    if (names.length) out.set(name, names);
  }
  return out;
}

// Reads each package's /usr/share/doc/NAME/copyright from a root file system or from the cached .debs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { debPath } from '../debian/cache.js';
import { readDataTar } from '../debian/deb-read.js';
import type { LockedPackage } from '../debian/types.js';
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

/** License names per package read from the cached .debs themselves (works for prod, whose docs are dropped). */
export async function readDebLicenses(packages: readonly LockedPackage[], cache: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const p of [...packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const members = await readDataTar(debPath(cache, p.sha256)).catch(() => []);
    const text = members.find((m) => m.path === `usr/share/doc/${p.name}/copyright` && m.type === 'file')?.data?.toString('utf8');
    const names = text ? licensesFromCopyright(text) : [];
    if (names.length) out.set(p.name, names);
  }
  return out;
}

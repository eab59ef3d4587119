// Debian packages recorded in an image: var/lib/dpkg/status (full systems) and var/lib/dpkg/status.d/* (distroless style).
import { field, parseDeb822, type Stanza } from '../debian/deb822.js';
import type { ImageFs } from './fs-types.js';

/** An installed package as recorded in the image. */
export interface InstalledPackage { name: string; version: string; architecture: string }

const STATUS_LIMIT = 64 * 1024 * 1024;

// Adds the installed packages of one database file; a malformed file is skipped (foreign images may carry anything).
function fromStanzas(text: string, out: Map<string, InstalledPackage>): void {
  let stanzas: Stanza[];
  try { stanzas = parseDeb822(text); } catch { return; }
  for (const s of stanzas) {
    const name = field(s, 'Package');
    if (!name) continue;
    const status = field(s, 'Status');
    if (status !== undefined && !/\binstalled$/.test(status.trim())) continue;
    const architecture = field(s, 'Architecture') ?? '';
    out.set(`${name}:${architecture}`, { name, version: field(s, 'Version') ?? '', architecture });
  }
}

/** Reads the package database of an image; sorted by name then architecture. */
export async function installedPackages(fs: ImageFs): Promise<InstalledPackage[]> {
  const wanted = new Set(fs.entries.filter((e) => e.content && e.size <= STATUS_LIMIT && (e.path === 'var/lib/dpkg/status' || (e.path.startsWith('var/lib/dpkg/status.d/') && !e.path.endsWith('.md5sums') && !e.path.slice('var/lib/dpkg/status.d/'.length).includes('/')))));
  const texts: [string, string][] = [];
  await fs.scan((e) => (wanted.has(e) ? STATUS_LIMIT : 0), (e, b) => { texts.push([e.path, Buffer.from(b).toString('utf8')]); });
  const out = new Map<string, InstalledPackage>();
  for (const [, t] of texts.sort(([a], [b]) => (a < b ? -1 : 1))) fromStanzas(t, out);
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.architecture < b.architecture ? -1 : 1));
}

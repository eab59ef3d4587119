// The Debian packages an image says it contains: status.d stanzas (and dpkg/status) read from its layers.
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { AirlockError } from '../errors.js';
import { cmp } from './input.js';

/** A package as recorded inside an image. */
export interface InstalledPackage {
  name: string;
  version: string;
  architecture: string;
  /** The `Source:` field as written ("zlib", "glibc (2.36-9)"), when the stanza has one. */
  source?: string;
  /** The paths its `status.d/<name>.md5sums` lists (relative, sorted), when the image has one. */
  files?: string[];
}

/** The paths of an md5sums file ("<md5>  <path>" lines), relative and sorted. */
export function parseMd5sums(text: string): string[] {
  const paths = text.split('\n').map((l) => /^[0-9a-f]{32} [ *](.+)$/.exec(l)?.[1]).filter((p): p is string => !!p);
  return paths.map((p) => p.replace(/^\.?\/+/, '')).sort(cmp);
}

/** Parses deb822 stanzas (Package/Version/Architecture), skipping removed packages. */
export function parseStatus(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const f: Record<string, string> = {};
    for (const line of stanza.split('\n')) {
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m) f[m[1]!.toLowerCase()] = m[2]!.trim();
    }
    if (!f.package || !f.version) continue;
    if (f.status && /\b(deinstall|purge|not-installed|config-files)\b/.test(f.status)) continue;
    const source = f.source ? { source: f.source } : {};
    out.push({ name: f.package, version: f.version, architecture: f.architecture ?? '', ...source });
  }
  return out;
}

function isStatusPath(p: string): boolean {
  const path = p.replace(/^\.?\//, '');
  return path === 'var/lib/dpkg/status' || (path.startsWith('var/lib/dpkg/status.d/') && !path.endsWith('.md5sums') && !path.endsWith('/'));
}

async function layerFiles(layer: Buffer, files: Map<string, string>, want: (path: string) => boolean): Promise<void> {
  const tar = layer[0] === 0x1f && layer[1] === 0x8b ? gunzipSync(layer) : layer;
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, stream, next) => {
      const name = h.name.replace(/^\.?\//, '');
      const base = name.split('/').pop() ?? '';
      if (base === '.wh..wh..opq') {
        const dir = name.slice(0, -base.length);
        for (const k of [...files.keys()]) if (k.startsWith(dir)) files.delete(k);
      } else if (base.startsWith('.wh.')) {
        files.delete(name.replace(/\.wh\.([^/]*)$/, '$1'));
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => { if (want(name) && h.type === 'file') chunks.push(c); });
      stream.on('end', () => { if (want(name) && h.type === 'file') files.set(name, Buffer.concat(chunks).toString('utf8')); next(); });
      stream.resume();
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.end(tar);
  await done;
}

/** Text of the files `want` selects in the merged layers (later layers win, whiteouts applied). */
export async function readImageFiles(layers: Buffer[], where: string, want: (path: string) => boolean): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  try {
    for (const l of layers) await layerFiles(l, files, want);
  } catch (cause) {
    throw new AirlockError('policy', 'bad-layer', `cannot read the layers of ${where} as tar archives`, { cause, hint: 'only uncompressed and gzip layers are supported' });
  }
  return files;
}

/** The purl distro qualifier (`ID-VERSION_ID`, e.g. debian-12) from the image's os-release, if it has one. */
export async function imageDistro(layers: Buffer[], where: string): Promise<string | undefined> {
  const files = await readImageFiles(layers, where, (p) => p === 'etc/os-release' || p === 'usr/lib/os-release');
  const text = files.get('etc/os-release') ?? files.get('usr/lib/os-release');
  const get = (k: string) => text && new RegExp(`^${k}="?([^"\n]*)"?$`, 'm').exec(text)?.[1];
  const id = get('ID');
  const version = get('VERSION_ID');
  return id && version ? `${id}-${version}` : undefined;
}

const isMd5sums = (p: string) => /^var\/lib\/dpkg\/status\.d\/[^/]+\.md5sums$/.test(p);

/**
 * Packages listed by the image's status files, applying layers in order; sorted by name. A status.d entry of one
 * package brings the paths of its md5sums beside it (what a sliced package's SBOM file list is checked against).
 */
export async function imagePackages(layers: Buffer[], where: string): Promise<InstalledPackage[]> {
  const files = await readImageFiles(layers, where, (p) => isStatusPath(p) || isMd5sums(p));
  const byName = new Map<string, InstalledPackage>();
  for (const [path, text] of [...files.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    if (isMd5sums(path)) continue;
    const stanzas = parseStatus(text);
    const sums = stanzas.length === 1 ? files.get(`${path}.md5sums`) : undefined;
    for (const p of stanzas) {
      byName.set(`${p.name}:${p.architecture}`, sums === undefined ? p : { ...p, files: parseMd5sums(sums) });
    }
  }
  return [...byName.values()].sort((a, b) => cmp(a.name, b.name) || cmp(a.architecture, b.architecture));
}

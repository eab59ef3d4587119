// Runtime content from the locked runtime set: package files (no maintainer scripts, docs dropped, merged-usr),
// dpkg status.d stanzas + md5sums, /etc/os-release and /etc/debian_version — as FileEntry values held in memory.
// ca-certificates contributes the CA bundle its postinst would write instead of its certificate files and script.
import { createHash } from 'node:crypto';
import { AirlockError } from '../errors.js';
import type { FileEntry } from '../image/entry.js';
import type { Lock, LockedPackage } from './types.js';
import { checkCached, debPath } from './cache.js';
import { field, formatStanza, type Stanza } from './deb822.js';
import { readControl, readDataTar } from './deb-read.js';
import { checkControl, controlFacts } from './control-check.js';
import { CA_BUNDLE_PATH, CA_PACKAGE, caBundleBytes, caToolingPath, isCaCertificate, OPENSSL_DEFAULT_LINKS } from './ca-bundle.js';
import { keepRuntimePath, MERGED_DIRS, usrMerged } from './runtime-filter.js';

/** The distribution identity files, read from the base-files package of the set. */
export interface OsRelease {
  /** Text of /etc/os-release (base-files' usr/lib/os-release). */
  osRelease: string;
  /** Text of /etc/debian_version, e.g. "12.10\n". */
  debianVersion: string;
}

const bytesOf = (b: Buffer) => async function* () { yield new Uint8Array(b); };

function fileEntry(path: string, data: Buffer, mode = 0o644): FileEntry {
  return { path, type: 'file', mode, uid: 0, gid: 0, size: data.length, open: bytesOf(data) };
}

async function verifiedDeb(cache: string, p: LockedPackage): Promise<string> {
  if ((await checkCached(cache, p.sha256, p.size)) !== 'ok') {
    throw new AirlockError('packages', 'not-cached', `${p.name} ${p.version} is not (validly) in the cache`, { hint: 'fetch the lock first (fetchLocked)' });
  }
  return debPath(cache, p.sha256);
}

/** Reads os-release and debian_version from the lock's base-files package (which must be cached). */
export async function readOsRelease(lock: Lock, cache: string): Promise<OsRelease> {
  const bf = lock.sets.builder.find((p) => p.name === 'base-files');
  if (!bf) throw new AirlockError('packages', 'no-base-files', 'the locked builder set has no base-files package', { hint: 're-lock with `airlock lock --update`' });
  const members = await readDataTar(await verifiedDeb(cache, bf));
  const get = (path: string) => members.find((m) => m.path === path && m.type === 'file')?.data?.toString('utf8');
  const osRelease = get('usr/lib/os-release') ?? get('etc/os-release');
  const debianVersion = get('etc/debian_version');
  if (!osRelease || !debianVersion) throw new AirlockError('packages', 'no-os-release', `base-files ${bf.version} has no os-release or debian_version`);
  return { osRelease, debianVersion };
}

/** The dpkg status stanza written to var/lib/dpkg/status.d/<pkg> (field set used by distroless and read by scanners). */
export function statusStanza(control: Stanza): string {
  const f = (n: string) => field(control, n);
  return formatStanza([
    ['Package', f('Package')], ['Status', 'install ok installed'], ['Priority', f('Priority')], ['Section', f('Section')],
    ['Installed-Size', f('Installed-Size')], ['Maintainer', f('Maintainer')], ['Architecture', f('Architecture')],
    ['Multi-Arch', f('Multi-Arch')], ['Source', f('Source')], ['Version', f('Version')], ['Provides', f('Provides')],
    ['Pre-Depends', f('Pre-Depends')], ['Depends', f('Depends')], ['Description', f('Description')], ['Homepage', f('Homepage')],
  ]);
}

/**
 * The runtime file system of `packages` as FileEntry values sorted by path (contents in memory). Files of later
 * packages replace earlier ones at the same path; directories are merged. Needs the .debs in the cache. `owners`, when
 * given, is filled with the package of each kept file, symlink and hard link (what slicing cuts by).
 */
export async function runtimeEntries(packages: LockedPackage[], opts: { cache: string; osRelease: OsRelease; owners?: Map<string, string> }): Promise<FileEntry[]> {
  const out = new Map<string, FileEntry>();
  const addDir = (path: string) => {
    if (!out.has(path)) out.set(path, { path, type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 });
  };
  // With ca-certificates in the set, the certificates under usr/share/ca-certificates (of any package) become the
  // bundle update-ca-certificates would write; ca-certificates' own certificate files and script are left out.
  const withCa = packages.some((p) => p.name === CA_PACKAGE);
  const certs: Array<{ path: string; data: Buffer }> = [];
  for (const p of [...packages].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const deb = await verifiedDeb(opts.cache, p);
    const control = await readControl(deb);
    checkControl(p, controlFacts(control)); // status.d is written from these fields: they must be the lock's
    const md5: string[] = [];
    const isCa = p.name === CA_PACKAGE;
    for (const m of await readDataTar(deb)) {
      const path = usrMerged(m.path);
      if (withCa && m.type === 'file' && isCaCertificate(path)) certs.push({ path, data: m.data! });
      // ca-certificates' directories come back as parents of what is kept (no empty usr/sbin).
      if (isCa && (caToolingPath(path) || m.type === 'dir')) continue;
      if (!keepRuntimePath(path, m.type)) continue;
      if (MERGED_DIRS.includes(path)) continue;
      if (m.type === 'dir') {
        if (!out.has(path) || out.get(path)!.type !== 'dir') out.set(path, { path, type: 'dir', mode: m.mode, uid: m.uid, gid: m.gid, size: 0 });
      } else if (m.type === 'file') {
        opts.owners?.set(path, p.name);
        out.set(path, { path, type: 'file', mode: m.mode, uid: m.uid, gid: m.gid, size: m.data!.length, open: bytesOf(m.data!) });
        md5.push(`${createHash('md5').update(m.data!).digest('hex')}  ${path}\n`);
      } else {
        const linkname = m.type === 'hardlink' ? usrMerged(m.linkname!) : m.linkname!;
        opts.owners?.set(path, p.name);
        out.set(path, { path, type: m.type, mode: m.type === 'symlink' ? 0o777 : m.mode, uid: m.uid, gid: m.gid, size: 0, linkname });
      }
    }
    for (const d of ['var', 'var/lib', 'var/lib/dpkg', 'var/lib/dpkg/status.d']) addDir(d);
    out.set(`var/lib/dpkg/status.d/${p.name}`, fileEntry(`var/lib/dpkg/status.d/${p.name}`, Buffer.from(statusStanza(control))));
    out.set(`var/lib/dpkg/status.d/${p.name}.md5sums`, fileEntry(`var/lib/dpkg/status.d/${p.name}.md5sums`, Buffer.from(md5.sort().join(''))));
  }
  if (withCa) {
    // Written after every package, as the script runs after unpacking: a packaged file at that path is replaced.
    addDir('etc/ssl/certs');
    const bundle = caBundleBytes(certs);
    if (bundle) {
      out.set(CA_BUNDLE_PATH, fileEntry(CA_BUNDLE_PATH, bundle));
      // OpenSSL's default paths, which the openssl package (a tool, left out) would link to the bundle.
      if (packages.some((p) => /^libssl\d/.test(p.name))) {
        for (const [path, linkname] of OPENSSL_DEFAULT_LINKS) {
          if (!out.has(path)) out.set(path, { path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname });
        }
      }
    }
  }
  addDir('etc');
  out.set('etc/os-release', fileEntry('etc/os-release', Buffer.from(opts.osRelease.osRelease)));
  out.set('etc/debian_version', fileEntry('etc/debian_version', Buffer.from(opts.osRelease.debianVersion)));
  for (const top of MERGED_DIRS) {
    if (out.get(`usr/${top}`)?.type === 'dir') out.set(top, { path: top, type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: `usr/${top}` });
  }
  for (const e of [...out.values()]) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) addDir(parts.slice(0, i).join('/'));
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

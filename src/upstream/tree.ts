// Lays out locked npm-registry toolchain packages as a /usr/local tree (bin/node, lib/node_modules/npm, bin/npm…),
// the way Node.js's own release archives are laid out; built once per set of integrities under the airlock cache.
import { createReadStream, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { createHash } from 'node:crypto';
import { dirname, join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { touchCacheEntry } from '../cache/touch.js';
import { AirlockError } from '../errors.js';
import { hashFile } from '../files/file-hash.js';
import type { LockedUpstream } from './types.js';

/** Bump when the layout below changes (cached trees are keyed by it). */
const TREE_FORMAT = 2;

/** Where a file of a package's tarball goes in the /usr/local tree (undefined = left out). */
export function placeOf(role: LockedUpstream['role'], inner: string): string | undefined {
  if (role === 'npm') return `lib/node_modules/npm/${inner}`;
  if (inner === 'bin/node' || inner.startsWith('include/') || inner.startsWith('share/')) return inner;
  if (inner === 'LICENSE' || /^[^/]+\.md$/i.test(inner)) return `share/doc/node/${inner}`;
  return undefined;
}

/** Safe relative path inside a package tarball (below `package/`), or an error. */
function innerPath(name: string, what: string): string {
  const n = posix.normalize(name.replace(/^\.\//, ''));
  const slash = n.indexOf('/');
  const inner = slash < 0 ? '' : n.slice(slash + 1);
  if (n.startsWith('/') || n.split('/').includes('..') || inner === '' && !n.endsWith('/')) {
    throw new AirlockError('packages', 'bad-archive', `${what}: unsafe path '${name}' in the package tarball`, { hint: 'the tarball is not a normal npm package; check the registry' });
  }
  return inner.replace(/\/$/, '');
}

/** Extracts the files of one tarball into `root` following placeOf; returns the package.json text. */
async function extractInto(tgz: string, p: LockedUpstream, root: string, sums: Map<string, string>): Promise<string> {
  const what = `${p.name}@${p.version}`;
  let pkgJson = '';
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    const done = (e?: unknown) => (e ? next(e) : next());
    (async () => {
      const inner = innerPath(header.name, what);
      if (header.type === 'directory') { stream.resume(); return; }
      if (header.type !== 'file') throw new AirlockError('packages', 'bad-archive', `${what}: unexpected ${header.type} '${header.name}' in the package tarball`, { hint: 'npm packages hold regular files only' });
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      const data = Buffer.concat(chunks);
      if (inner === 'package.json') pkgJson = data.toString('utf8');
      const place = placeOf(p.role, inner);
      if (!place) return;
      const dest = join(root, place);
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, data);
      sums.set(place, createHash('sha256').update(data).digest('hex'));
      // Modes set explicitly, whatever the umask: the layers of this tree must be the same on every host.
      await chmod(dest, (header.mode ?? 0o644) & 0o111 ? 0o755 : 0o644);
    })().then(() => done(), done);
  });
  await pipeline(createReadStream(tgz), createGunzip(), ex);
  return pkgJson;
}

/** The cache folder of the tree for a set of locked packages. */
export function treeKey(pkgs: readonly LockedUpstream[]): string {
  const h = createHash('sha256').update(JSON.stringify({ format: TREE_FORMAT, pkgs: [...pkgs].map((p) => [p.role, p.name, p.version, p.integrity]).sort() }));
  return h.digest('hex').slice(0, 32);
}

/**
 * Builds (or reuses) the /usr/local tree of the locked packages from their verified tarballs: node's bin/, include/,
 * share/ and license; npm under lib/node_modules/npm with bin/npm and bin/npx links as `npm install -g` makes them.
 */
export async function upstreamTree(pkgs: readonly LockedUpstream[], tarballs: ReadonlyMap<string, string>, cache: string): Promise<string> {
  const dir = join(cache, 'upstream', 'trees', treeKey(pkgs));
  const done = `${dir}.ok`;
  // The marker is touched first: its time is the tree's last use for `airlock cache prune` (src/cache/touch.ts).
  if (await touchCacheEntry(done) && existsSync(dir) && await intact(dir, done)) return dir;
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(`${dir}.tmp-`);
  const sums = new Map<string, string>();
  try {
    for (const p of pkgs) {
      const tgz = tarballs.get(p.integrity);
      if (!tgz) throw new AirlockError('internal', 'upstream-missing', `no tarball for ${p.name}@${p.version}`);
      const text = await extractInto(tgz, p, tmp, sums).catch((e: unknown) => {
        if (e instanceof AirlockError) throw e;
        throw new AirlockError('packages', 'bad-archive', `${p.name}@${p.version}: cannot unpack its tarball: ${(e as Error).message}`, { hint: 'the cached tarball matched its integrity; check the disk and the package', cause: e });
      });
      if (p.role === 'npm') await npmLinks(tmp, text);
    }
    if (!existsSync(join(tmp, 'bin', 'node')) && pkgs.some((p) => p.role === 'node')) {
      throw new AirlockError('packages', 'bad-archive', `${pkgs.find((p) => p.role === 'node')!.name} holds no bin/node`, { hint: 'this is not an official Node.js build package' });
    }
    await fixDirModes(tmp);
    // Publish: a tree another build completed meanwhile is used as it is (it may be bound into its steps right
    // now); only an incomplete leftover of a crashed build is replaced.
    if (existsSync(done) && existsSync(dir) && await intact(dir, done)) return dir;
    await rm(done, { force: true });
    await rm(dir, { recursive: true, force: true });
    try { await rename(tmp, dir); } catch (e) {
      if (!(existsSync(done) && existsSync(dir))) throw e;
      return dir;
    }
    // The marker holds the sha256 of every file, so a tree changed after it was made is noticed and made again.
    await writeFile(done, `${JSON.stringify(Object.fromEntries([...sums].sort(([a], [b]) => (a < b ? -1 : 1))), null, 1)}\n`);
    return dir;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Whether the runtime files of a finished tree (bin/node, what prod gets) still have the bytes recorded at extraction. */
async function intact(dir: string, done: string): Promise<boolean> {
  let sums: Record<string, string>;
  try { sums = JSON.parse(await readFile(done, 'utf8')); } catch { return false; }
  for (const f of ['bin/node', 'share/doc/node/LICENSE']) {
    if (!sums[f]) continue;
    const sum = await hashFile(join(dir, f)).catch(() => undefined);
    if (sum !== sums[f]) return false;
  }
  return true;
}

/** bin/npm and bin/npx links as `npm install -g` makes them, from npm's package.json `bin`. */
async function npmLinks(root: string, pkgJson: string): Promise<void> {
  let bin: Record<string, string> = {};
  try { const b = JSON.parse(pkgJson).bin; bin = typeof b === 'string' ? { npm: b } : (b ?? {}); } catch { /* no bin */ }
  await mkdir(join(root, 'bin'), { recursive: true });
  for (const [name, rel] of Object.entries(bin).sort()) {
    const clean = posix.normalize(String(rel));
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name) || name === 'node' || clean.startsWith('..') || clean.startsWith('/')) continue;
    const target = posix.join('..', 'lib', 'node_modules', 'npm', clean);
    if (existsSync(join(root, 'bin', name)) || !existsSync(join(root, 'bin', target))) continue;
    await chmod(join(root, 'bin', target), 0o755);
    await symlink(target, join(root, 'bin', name));
  }
}

/** Every directory of the tree 0755, whatever the umask was when it was made. */
async function fixDirModes(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const e of await readdir(dir, { withFileTypes: true })) if (e.isDirectory()) await fixDirModes(join(dir, e.name));
}

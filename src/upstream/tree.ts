// Lays out locked npm-registry toolchain packages as a /usr/local tree (bin/node, lib/node_modules/npm, bin/npm…),
// the way Node.js's own release archives are laid out; built once per set of integrities under the airlock cache.
import { createReadStream, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { createHash } from 'node:crypto';
import { dirname, join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { AirlockError } from '../errors.js';
import type { LockedUpstream } from './types.js';

/** Bump when the layout below changes (cached trees are keyed by it). */
const TREE_FORMAT = 1;

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
async function extractInto(tgz: string, p: LockedUpstream, root: string): Promise<string> {
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
      await writeFile(dest, data, { mode: (header.mode ?? 0o644) & 0o111 ? 0o755 : 0o644 });
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
  if (existsSync(`${dir}.ok`) && existsSync(dir)) return dir;
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(`${dir}.tmp-`);
  try {
    for (const p of pkgs) {
      const tgz = tarballs.get(p.integrity);
      if (!tgz) throw new AirlockError('internal', 'upstream-missing', `no tarball for ${p.name}@${p.version}`);
      const text = await extractInto(tgz, p, tmp);
      if (p.role === 'npm') {
        let bin: Record<string, string> = {};
        try { const b = JSON.parse(text).bin; bin = typeof b === 'string' ? { npm: b } : (b ?? {}); } catch { /* no bin */ }
        await mkdir(join(tmp, 'bin'), { recursive: true });
        for (const [name, rel] of Object.entries(bin).sort()) {
          if (!/^[a-z0-9._-]+$/i.test(name) || posix.normalize(rel).startsWith('..')) continue;
          const target = posix.join('..', 'lib', 'node_modules', 'npm', posix.normalize(rel));
          await chmod(join(tmp, 'bin', target), 0o755).catch(() => undefined);
          await symlink(target, join(tmp, 'bin', name));
        }
      }
    }
    if (!existsSync(join(tmp, 'bin', 'node')) && pkgs.some((p) => p.role === 'node')) {
      throw new AirlockError('packages', 'bad-archive', `${pkgs.find((p) => p.role === 'node')!.name} holds no bin/node`, { hint: 'this is not an official Node.js build package' });
    }
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    await writeFile(`${dir}.ok`, '');
    return dir;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

// The npm-registry toolchain of a build (when Debian lacks the Node.js major asked for): verified tarballs, the
// /usr/local tree bound into every step, the files prod gets (node and its license) and the full tree for dev/test.
import type { FileEntry } from '../image/entry.js';
import type { Log } from '../log.js';
import { entriesFromDir } from '../sinks/dir-source.js';
import type { HandoffFile } from '../variants/artifacts.js';
import { fetchUpstream } from '../upstream/npm.js';
import { treeKey, upstreamTree } from '../upstream/tree.js';
import type { LockedUpstream } from '../upstream/types.js';
import { join } from 'node:path';
import { existsSync } from 'node:fs';

import { UPSTREAM_PREFIX } from './plan.js';

export { UPSTREAM_PREFIX };

export interface UpstreamToolchain {
  packages: LockedUpstream[];
  /** Host folder laid out as /usr/local (bound read-only at /usr/local in every step). */
  tree: string;
  /** Cache key of the tree (layers of it are cached by it). */
  key: string;
  /** What prod gets: the node binary and its license (never npm). */
  prodFiles: HandoffFile[];
  /** Every file of the tree under usr/local (dev and test). */
  fullEntries: FileEntry[];
}

/** Fetches (or finds in the cache) every locked upstream package and lays out the tree. */
export async function prepareUpstream(pkgs: LockedUpstream[], opts: { cache: string; offline: boolean; env: NodeJS.ProcessEnv; log: Log }): Promise<UpstreamToolchain> {
  const tarballs = new Map<string, string>();
  for (const p of pkgs) tarballs.set(p.integrity, await fetchUpstream(p, opts));
  const tree = await upstreamTree(pkgs, tarballs, opts.cache);
  const prodFiles: HandoffFile[] = [];
  if (pkgs.some((p) => p.role === 'node')) {
    prodFiles.push({ hostPath: join(tree, 'bin', 'node'), path: `${UPSTREAM_PREFIX}/bin/node`, type: 'file', mode: 0o755 });
    if (existsSync(join(tree, 'share/doc/node/LICENSE'))) prodFiles.push({ hostPath: join(tree, 'share/doc/node/LICENSE'), path: `${UPSTREAM_PREFIX}/share/doc/node/LICENSE`, type: 'file', mode: 0o644 });
  }
  const fullEntries = await entriesFromDir(tree, { special: 'skip', prefix: UPSTREAM_PREFIX, owner: { uid: 0, gid: 0 } });
  opts.log.info(`toolchain from the npm registry: ${pkgs.map((p) => `${p.name}@${p.version}`).join(', ')}`);
  return { packages: pkgs, tree, key: treeKey(pkgs), prodFiles, fullEntries };
}

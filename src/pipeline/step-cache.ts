// The step cache: a step's key names what it may see; its result is what it changed in the work tree and the install
// root, kept as a manifest (steps/<key>.json) over content-addressed files (cas/sha256/<hex>). A hit replays the
// changes without running the step; an entry whose manifest or files do not verify is discarded and the step reruns.
import { createHash } from 'node:crypto';
import { hashFile } from '../files/file-hash.js';
import { touchCacheEntry } from '../cache/touch.js';
import { verifyOnce } from '../cache/verify-once.js';
import { casPath, storeFile } from '../cache/cas.js';
import { chmod, copyFile, link, mkdir, readFile, rm, symlink, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { canonicalJson } from '../image/json.js';
import { writeFileAtomic } from '../files/atomic.js';
import { diffTrees, type StatEntry } from './tree-diff.js';

export const STEP_CACHE_FORMAT = 1;

/** The two folders a step can change. */
export type StepRoot = 'src' | 'out';

interface Change {
  root: StepRoot;
  path: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  sha256?: string;
  size?: number;
  linkname?: string;
  /** Another path of the same root this file is a hard link of. */
  hardlink?: string;
}

interface StepManifest {
  format: number;
  key: string;
  step: string;
  deleted: { root: StepRoot; path: string }[];
  files: Change[];
}

/** Everything a step's key is made of; any change to one of them reruns the step (and every later step). */
export interface StepKeyParts {
  airlock: string;
  rootfsKey: string;
  previous: string | null;
  step: { id: string; command: string; network: boolean; inputs: string; caches: { name: string; path: string }[];
    /** Secret ids (and their variables): a secret is keyed by its id, never by its value. */
    secrets?: { id: string; env?: string }[];
    /** The step also reads the pristine source (its digest is the source's: inputsDigest covers it). */
    pristine?: boolean };
  env: Record<string, string>;
  /** Digest of exactly the files the step may read (the manifests, or the whole source). */
  inputsDigest: string;
}

export function stepKey(parts: StepKeyParts): string {
  return createHash('sha256').update(canonicalJson({ format: STEP_CACHE_FORMAT, ...parts })).digest('hex');
}

const manifestPath = (cache: string, key: string) => join(cache, 'steps', `${key}.json`);


export interface RootState {
  root: StepRoot;
  dir: string;
  before: Map<string, StatEntry>;
  after: Map<string, StatEntry>;
}

/** Records what a step changed under its key. */
export async function recordStep(cache: string, key: string, step: string, roots: RootState[]): Promise<void> {
  const manifest: StepManifest = { format: STEP_CACHE_FORMAT, key, step, deleted: [], files: [] };
  for (const r of roots) {
    const { changed, deleted } = diffTrees(r.before, r.after);
    for (const path of deleted) manifest.deleted.push({ root: r.root, path });
    const firstOfInode = new Map<string, string>();
    for (const [p, e] of r.after) if (e.type === 'file' && e.nlink > 1 && !firstOfInode.has(e.inode)) firstOfInode.set(e.inode, p);
    for (const path of changed) {
      const e = r.after.get(path)!;
      const c: Change = { root: r.root, path, type: e.type, mode: e.mode };
      const first = e.type === 'file' && e.nlink > 1 ? firstOfInode.get(e.inode) : undefined;
      if (first !== undefined && first !== path) c.hardlink = first;
      else if (e.type === 'file') { c.sha256 = await storeFile(cache, join(r.dir, path)); c.size = e.size; }
      if (e.type === 'symlink') c.linkname = e.linkname!;
      manifest.files.push(c);
    }
  }
  const body = canonicalJson(manifest);
  const digest = createHash('sha256').update(body).digest('hex');
  await mkdir(join(cache, 'steps'), { recursive: true });
  await writeFileAtomic(manifestPath(cache, key), `${JSON.stringify({ digest, manifest })}\n`);
}

/** Reads and checks a recorded step: its manifest digest and every file it names. Undefined: missing or corrupt (then removed). */
async function readVerified(cache: string, key: string): Promise<{ manifest?: StepManifest; corrupt?: string }> {
  const file = manifestPath(cache, key);
  let text: string;
  if (!(await touchCacheEntry(file))) return {};
  try { text = await readFile(file, 'utf8'); } catch { return {}; }
  const discard = async (why: string) => { await rm(file, { force: true }); return { corrupt: why }; };
  let parsed: { digest?: string; manifest?: StepManifest };
  try { parsed = JSON.parse(text); } catch { return discard('its manifest is not JSON'); }
  const m = parsed.manifest;
  if (!m || m.key !== key || m.format !== STEP_CACHE_FORMAT) return discard('its manifest is for another key or format');
  if (createHash('sha256').update(canonicalJson(m)).digest('hex') !== parsed.digest) return discard('its manifest does not match its digest');
  for (const f of m.files) {
    if (!f.sha256) continue;
    // Hashed on first use, then trusted while its stat identity is unchanged (a corrupt entry is removed).
    const verdict = await verifyOnce(casPath(cache, f.sha256), { algorithm: 'sha256', hex: f.sha256, size: f.size, hash: (p) => hashFile(p) });
    if (verdict !== 'ok') return discard(`${f.root}/${f.path} is ${verdict} in the content store`);
  }
  return { manifest: m };
}

/** Replays a recorded step into the folders; 'miss' when there is no usable entry (a corrupt one is reported). */
export async function restoreStep(cache: string, key: string, dirs: Record<StepRoot, string>): Promise<{ hit: true } | { hit: false; corrupt?: string }> {
  const { manifest, corrupt } = await readVerified(cache, key);
  if (!manifest) return { hit: false, ...(corrupt ? { corrupt } : {}) };
  for (const d of manifest.deleted) await rm(join(dirs[d.root], d.path), { recursive: true, force: true });
  const at = (f: Change) => join(dirs[f.root], f.path);
  const byType = (t: Change['type']) => manifest.files.filter((f) => f.type === t);
  for (const f of byType('dir')) {
    await rm(at(f), { force: true }).catch(() => {}); // a file or link where the directory goes
    await mkdir(at(f), { recursive: true });
  }
  // Regular files and links first, then hard links (their first name may come later in path order).
  const files = manifest.files.filter((f) => f.type !== 'dir');
  for (const f of [...files.filter((x) => x.hardlink === undefined), ...files.filter((x) => x.hardlink !== undefined)]) {
    const dest = at(f);
    await mkdir(dirname(dest), { recursive: true });
    await rm(dest, { recursive: true, force: true });
    if (f.type === 'symlink') await symlink(f.linkname!, dest);
    else if (f.hardlink !== undefined) await link(join(dirs[f.root], f.hardlink), dest);
    else {
      await copyFile(casPath(cache, f.sha256!), dest);
      await chmod(dest, f.mode);
    }
  }
  // Directory modes last, deepest first: a read-only directory still had its children written into it.
  for (const f of byType('dir').reverse()) await chmod(at(f), f.mode);
  return { hit: true };
}

/** Removes a recorded step (used when its replay failed part-way). */
export async function forgetStep(cache: string, key: string): Promise<void> {
  await unlink(manifestPath(cache, key)).catch(() => {});
}

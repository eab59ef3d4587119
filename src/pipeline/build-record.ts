// A no-change rebuild: the outputs of a build record the key of everything it was made from; a build with the same
// key and intact outputs reuses them instead of building again.
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../image/json.js';
import type { BuildReport } from '../report/report.js';

/** The record inside an output folder (beside report.json). */
export const BUILD_RECORD = '.airlock-build.json';

/** Everything the outputs of a build depend on. */
export interface BuildKeyParts {
  /** The plan as stable JSON (it names airlock's own identity, the builder set, steps, handoff and variants). */
  plan: string;
  /** Digest of the build context as the build sees it (after the ignore rules). */
  context: string;
  /** Digest of the whole lock (the plan names only builder packages). */
  lock: string;
  /** Output switches: gates skipped, the signing key's public part, the VEX scan. */
  options: Record<string, string | boolean | null>;
}

export function buildKey(parts: BuildKeyParts): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}

type FileStamp = [path: string, size: number, mtimeMs: number, ctimeMs: number, ino: number];

/** Stat stamps of the files under `dir` (not the record, nor anything under a folder named in `skip`). */
async function stamps(dir: string, skip: string[] = []): Promise<FileStamp[]> {
  const out: FileStamp[] = [];
  for (const rel of (await readdir(dir, { recursive: true, encoding: 'utf8' })).sort()) {
    if (rel === BUILD_RECORD || skip.some((s) => rel === s || rel.startsWith(`${s}/`))) continue;
    const st = await stat(join(dir, rel));
    if (st.isFile()) out.push([rel, st.size, st.mtimeMs, st.ctimeMs, st.ino]);
  }
  return out;
}

/**
 * The record of a finished output folder: its build key, a stat stamp of every file in it, and for files that are
 * a function of a recipe (a docker-archive: image digest, tags, epoch, airlock's identity) that recipe's digest.
 */
export async function buildRecord(dir: string, key: string, recipes: Record<string, string> = {}, skip: string[] = []): Promise<string> {
  return `${JSON.stringify({ key, files: await stamps(dir, skip), recipes })}\n`;
}

/**
 * The record of `dir` again, with the same key and recipes and fresh stamps: for an output folder whose files got
 * another name elsewhere (a hard link changes a file's ctime, not its bytes). No record, nothing to do.
 */
export async function restampRecord(dir: string): Promise<string | undefined> {
  let record: { key?: string; recipes?: Record<string, string> };
  try { record = JSON.parse(await readFile(join(dir, BUILD_RECORD), 'utf8')) as typeof record; } catch { return undefined; }
  if (typeof record.key !== 'string') return undefined;
  return buildRecord(dir, record.key, record.recipes ?? {});
}

/** Files of an earlier output folder that a new build may link instead of writing again. */
export interface PriorOutputs {
  /**
   * The path of `rel` in the earlier folder when it is still exactly as that build wrote it (its stamp matches the
   * record) and, when `recipe` is given, was made from the same recipe; else undefined.
   */
  intact(rel: string, recipe?: string): Promise<string | undefined>;
}

/** The earlier outputs in `dir` (none when it has no readable record). */
export async function priorOutputs(dir: string): Promise<PriorOutputs> {
  let record: { files?: FileStamp[]; recipes?: Record<string, string> } = {};
  try { record = JSON.parse(await readFile(join(dir, BUILD_RECORD), 'utf8')) as typeof record; } catch { /* no earlier outputs */ }
  const known = new Map((Array.isArray(record.files) ? record.files : []).map((f) => [f[0], f]));
  return {
    async intact(rel, recipe) {
      const was = known.get(rel);
      if (!was || (recipe !== undefined && record.recipes?.[rel] !== recipe)) return undefined;
      const st = await stat(join(dir, rel)).catch(() => undefined);
      if (!st?.isFile() || canonicalJson([rel, st.size, st.mtimeMs, st.ctimeMs, st.ino]) !== canonicalJson(was)) return undefined;
      return join(dir, rel);
    },
  };
}

/**
 * The report of the outputs in `dir` when they were made by a build with this key and every file is still as the
 * build left it (same size, times and inode: blobs are written once and never changed in place); else undefined.
 */
export async function reusableOutputs<R = BuildReport>(dir: string, key: string, skip: string[] = []): Promise<R | undefined> {
  try {
    const record = JSON.parse(await readFile(join(dir, BUILD_RECORD), 'utf8')) as { key?: string; files?: FileStamp[] };
    if (record.key !== key || !Array.isArray(record.files)) return undefined;
    const now = await stamps(dir, skip);
    if (canonicalJson(now) !== canonicalJson(record.files)) return undefined;
    return JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as R;
  } catch {
    return undefined;
  }
}

// Reads what the build needs to know about a source tree before building: top-level files, ignore rules, digest.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { compileIgnore, IGNORE_FILES } from '../config/ignore.js';
import type { LanguagePack, SourceInfo } from '../lang/pack.js';
import { VERSION_FILES } from '../lang/version-files.js';
import { entriesFromDir } from '../sinks/dir-source.js';
import { OUTPUT_MARKER } from './workspace.js';

/** Top-level files whose text language packs (and `airlock init`) may read. */
const TEXT_FILES = [
  'package.json', 'package-lock.json', 'go.mod', 'Cargo.toml', 'pyproject.toml', 'setup.py', 'requirements.txt',
  'pom.xml', 'build.gradle', 'build.gradle.kts', 'CMakeLists.txt', 'Makefile', 'configure.ac', 'main.py', 'app.py',
  ...Object.values(VERSION_FILES).flat(),
];

/** Top-level files whose first bytes only packs may read (a generated configure says so near its top). */
const HEAD_FILES = ['configure'];
const HEAD_BYTES = 8 * 1024;

/** The first `max` bytes of a file as text. */
function head(file: string, max: number): string {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(max);
    return b.subarray(0, readSync(fd, b, 0, max, 0)).toString('utf8');
  } finally { closeSync(fd); }
}

/** The largest file whose text a pack may read. */
const MAX_TEXT = 256 * 1024;

/** Rounds of a pack's source probe before the reader stops asking (a cargo workspace takes three). */
const PROBE_ROUNDS = 4;

/**
 * Top-level files and folders of the source tree (for build-system detection), and what the pack's source probe asks
 * below the top level: folder listings and small files, real folders and regular files inside the tree only. `app`
 * is the app folder the config names (build.workspace).
 */
export function readSourceInfo(dir: string, pack?: Pick<LanguagePack, 'sourceProbe'>, app?: string): SourceInfo {
  const info: SourceInfo = { ...readTop(dir), ...(app ? { app } : {}) };
  if (!pack?.sourceProbe) return info;
  const dirs = new Map<string, string[]>();
  const texts = new Map<string, string>();
  const asked = new Set<string>();
  for (let round = 0; round < PROBE_ROUNDS; round++) {
    const q = pack.sourceProbe({ ...info, dirs, texts });
    const keys = [...(q.dirs ?? []).map((d) => `d:${d}`), ...(q.files ?? []).map((f) => `f:${f}`)];
    const fresh = keys.filter((k) => !asked.has(k));
    if (fresh.length === 0) break;
    for (const key of fresh) {
      asked.add(key);
      const rel = key.slice(2);
      if (!insideTree(rel)) continue;
      const st = lstatSync(join(dir, rel), { throwIfNoEntry: false });
      if (key.startsWith('d:') && st?.isDirectory()) {
        const entries = readdirSync(join(dir, rel), { withFileTypes: true });
        dirs.set(rel, entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort());
      } else if (key.startsWith('f:') && st?.isFile() && st.size <= MAX_TEXT) {
        texts.set(rel, readFileSync(join(dir, rel), 'utf8'));
      }
    }
  }
  return { ...info, dirs, texts };
}

/** A relative path that stays inside the tree: no absolute path, no `..`, no empty part. */
function insideTree(rel: string): boolean {
  return rel !== '' && !rel.startsWith('/') && rel.split('/').every((p) => p !== '' && p !== '.' && p !== '..');
}

function readTop(dir: string): SourceInfo {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AirlockError('usage', 'source-missing', `source folder ${dir} does not exist`, { location: 'source', hint: 'set `source:` to the project folder (relative to the config)' });
  }
  const names = readdirSync(dir);
  const topFiles = new Set(names.filter((f) => statSync(join(dir, f)).isFile()));
  const topDirs = new Set(names.filter((f) => statSync(join(dir, f)).isDirectory()));
  const topText = new Map<string, string>();
  for (const f of TEXT_FILES) {
    if (topFiles.has(f) && statSync(join(dir, f)).size <= MAX_TEXT) topText.set(f, readFileSync(join(dir, f), 'utf8'));
  }
  for (const f of HEAD_FILES) if (topFiles.has(f)) topText.set(f, head(join(dir, f), HEAD_BYTES));
  return { topFiles, topText, topDirs };
}

/**
 * The ignore matcher of a build context: .airlockignore, else .dockerignore, plus the always-ignored paths and the
 * given paths inside the context (the output folder; the config and its lock, which the plan stands for).
 */
export function readIgnore(dir: string, ...leftOut: (string | undefined)[]) {
  const file = IGNORE_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
  const text = file ? readFileSync(file, 'utf8') : '';
  const anchored = leftOut.filter((p): p is string => !!p).map((p) => `/${p}`);
  return compileIgnore([text, ...anchored].join('\n'));
}

/** sha256 over the sorted (path, type, mode, content digest, link) list of a tree: the source identity in provenance. */
export async function treeDigest(dir: string, keep?: (relPath: string) => boolean): Promise<string> {
  const h = createHash('sha256');
  for (const e of await entriesFromDir(dir, { special: 'skip', ...(keep ? { filter: (rel: string) => keep(rel) } : {}) })) {
    let content = '';
    if (e.type === 'file' && e.open) {
      const fh = createHash('sha256');
      for await (const c of e.open()) fh.update(c);
      content = fh.digest('hex');
    }
    h.update(`${e.path}\0${e.type}\0${(e.mode & 0o777).toString(8)}\0${content}\0${e.linkname ?? ''}\n`);
  }
  return `sha256:${h.digest('hex')}`;
}

/** The digest of the build context as a build copies it: the ignore rules applied, earlier output folders left out. */
export async function contextDigest(dir: string, ignored: (rel: string, isDir: boolean) => boolean): Promise<string> {
  return treeDigest(dir, (rel) => {
    const isDir = statSync(join(dir, rel), { throwIfNoEntry: false })?.isDirectory() ?? false;
    if (isDir && existsSync(join(dir, rel, OUTPUT_MARKER))) return false;
    return !ignored(rel, isDir);
  });
}

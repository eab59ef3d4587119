// Reads what the build needs to know about a source tree before building: top-level files, ignore rules, digest.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { compileIgnore, IGNORE_FILES } from '../config/ignore.js';
import type { LanguagePack, SourceInfo } from '../lang/pack.js';
import { entriesFromDir } from '../sinks/dir-source.js';
import { OUTPUT_MARKER } from './workspace.js';

/** Top-level files whose text language packs may read. */
const TEXT_FILES = ['package.json', 'package-lock.json', 'go.mod', 'Cargo.toml', 'pyproject.toml', 'setup.py', 'requirements.txt', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'CMakeLists.txt', 'Makefile', 'configure.ac', 'main.py', 'app.py'];

/**
 * Top-level files and folders of the source tree (for build-system detection), the text of the well-known files, the
 * files the pack asks for (`pack.sourceFiles`), and the app folder the config names.
 */
export function readSourceInfo(dir: string, pack?: Pick<LanguagePack, 'sourceFiles'>, app?: string): SourceInfo {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AirlockError('usage', 'source-missing', `source folder ${dir} does not exist`, { location: 'source', hint: 'set `source:` to the project folder (relative to the config)' });
  }
  const names = readdirSync(dir);
  const topFiles = new Set(names.filter((f) => statSync(join(dir, f)).isFile()));
  const topDirs = new Set(names.filter((f) => statSync(join(dir, f)).isDirectory()));
  const topText = new Map<string, string>();
  for (const f of TEXT_FILES) {
    if (topFiles.has(f) && statSync(join(dir, f)).size <= 256 * 1024) topText.set(f, readFileSync(join(dir, f), 'utf8'));
  }
  const info: SourceInfo = { topFiles, topText, topDirs, ...(app ? { app } : {}) };
  for (let round = 0; pack?.sourceFiles && round < 8; round++) {
    const fresh = pack.sourceFiles(info).flatMap((p) => expand(dir, p)).filter((p) => !topText.has(p));
    if (fresh.length === 0) break;
    for (const p of fresh) topText.set(p, readFileSync(join(dir, p), 'utf8'));
  }
  return info;
}

/** The small regular files inside `dir` a relative pattern names ('*' = any one folder name; nothing outside `dir`). */
function expand(dir: string, pattern: string): string[] {
  let paths = [''];
  const parts = pattern.split('/');
  for (const [i, part] of parts.entries()) {
    if (part === '' || part === '.' || part === '..') return [];
    const names = (p: string) => (part === '*' ? readdirSync(join(dir, p)).filter((n) => !n.startsWith('.')).sort() : [part]);
    const at = (p: string) => lstatSync(join(dir, p), { throwIfNoEntry: false });
    paths = paths.flatMap((p) => (at(p)?.isDirectory() ? names(p) : []).map((n) => (p ? `${p}/${n}` : n)));
    if (i === parts.length - 1) paths = paths.filter((p) => at(p)?.isFile() && at(p)!.size <= 256 * 1024);
  }
  return paths;
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

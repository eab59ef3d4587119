// What a Node.js project is, read from its package.json and tsconfig.json (pure): which folder is the app (npm
// workspaces: the one `build.workspace` names), what its build leaves for prod, and the file node runs. A shape the
// defaults cannot decide is an AirlockError naming what was found and the config field that settles it.
import { posix } from 'node:path';
import { AirlockError } from '../errors.js';
import type { SourceInfo, SourceQuestions } from './pack.js';

export interface PackageJson {
  name?: string;
  main?: string;
  type?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
  files?: string[];
  scripts?: Record<string, string>;
  workspaces?: string[] | { packages?: string[] };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** One folder of the project that prod gets. */
export interface NodeFolder {
  /** Relative to the source root ('.' for the root). */
  dir: string;
  /** Paths of the folder prod gets besides package.json after a build, or null: the whole folder (no build script). */
  keep: string[] | null;
}

/** The app of a Node.js project and the workspace folders it uses. */
export interface NodeApp extends NodeFolder {
  pkg: PackageJson;
  /** Workspace folders the app depends on (by package name, transitively). */
  workspaces: NodeFolder[];
  /** Every workspace folder, and each one's package name (its link in node_modules). */
  allWorkspaces: string[];
  links: Record<string, string>;
}

/** A file's text parsed as JSON with comments and trailing commas (tsconfig.json), or undefined. */
export function parseJsonc(text: string | undefined): Record<string, any> | undefined {
  if (text === undefined) return undefined;
  // Strings are kept as they are; comments are dropped; then commas before a closing bracket.
  const keepStrings = (re: RegExp, other: (...m: string[]) => string) => (t: string) =>
    t.replace(re, (all, str: string | undefined, ...rest: string[]) => str ?? other(all, ...rest));
  const uncommented = keepStrings(/("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, () => '')(text);
  try {
    const v = JSON.parse(keepStrings(/("(?:\\.|[^"\\])*")|,(\s*[}\]])/g, (_, close) => close!)(uncommented));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch { return undefined; }
}

/** `rel` inside folder `dir` of the source (both relative, '.' = the root). */
const within = (dir: string, rel: string) => posix.normalize(posix.join(dir, rel));

/** Text of a source file the reader gave the pack: a well-known top-level file or one the source probe asked for. */
const textOf = (src: SourceInfo, path: string) => src.topText.get(path) ?? src.texts?.get(path);

/** package.json of a folder as an object (empty when missing or not JSON). */
export function packageJsonAt(src: SourceInfo, dir = '.'): PackageJson {
  return (parseJsonc(textOf(src, within(dir, 'package.json'))) ?? {}) as PackageJson;
}

/** The workspace patterns of a package.json. */
export function workspacePatterns(pkg: PackageJson): string[] {
  const w = Array.isArray(pkg.workspaces) ? pkg.workspaces : pkg.workspaces?.packages ?? [];
  return w.filter((p): p is string => typeof p === 'string').map((p) => posix.normalize(p).replace(/\/$/, ''));
}

/** A workspace pattern ('*' = one folder name) as a regular expression matching the package.json of its folders. */
function workspaceRe(pattern: string): RegExp {
  const segments = pattern.split('/').map((s) => (s === '*' ? '[^/]+' : s.replace(/[.+?^${}()|[\]\\*]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}/package\\.json$`);
}

/** The workspace folders of the project: the folders of the package.json files read that its patterns match. */
export function workspaceFolders(src: SourceInfo): string[] {
  const res = workspacePatterns(packageJsonAt(src)).map(workspaceRe);
  const read = [...src.topText.keys(), ...(src.texts?.keys() ?? [])];
  return read.filter((k) => res.some((re) => re.test(k))).map((k) => posix.dirname(k)).sort();
}

/** The tsconfig file the build script compiles with (`tsc -p X` / `--project X`), relative to the folder. */
export function tsconfigOf(pkg: PackageJson): string {
  const p = /\btsc\b[^&;|]*?(?:-p|--project)\s+(\S+)/.exec(pkg.scripts?.build ?? '')?.[1];
  if (!p || p === '.' || p === './') return 'tsconfig.json';
  return /\.json$/.test(p) ? posix.normalize(p) : posix.join(p, 'tsconfig.json');
}

/** Where tsconfig `file` (relative to the source) extends from, when it names a relative file; undefined otherwise. */
export function tsconfigParent(src: SourceInfo, file: string): string | undefined {
  const ext = parseJsonc(textOf(src, file))?.extends;
  if (typeof ext !== 'string' || !/^\.\.?\//.test(ext)) return undefined;
  return within(posix.dirname(file), /\.json$/.test(ext) ? ext : `${ext}.json`);
}

/** compilerOptions.outDir of tsconfig `file` or of what it extends (a chain of relative files), relative to the source. */
export function tsOutDir(src: SourceInfo, file: string): string | undefined {
  for (let f: string | undefined = file, depth = 0; f && depth < 5; f = tsconfigParent(src, f), depth++) {
    const out = parseJsonc(textOf(src, f))?.compilerOptions?.outDir;
    if (typeof out === 'string') return within(posix.dirname(f), out);
  }
  return undefined;
}

/** A start script that is a plain `node …` command: [node options…, file, args…] (relative to the folder). */
export function startCommand(pkg: PackageJson): string[] | undefined {
  const start = pkg.scripts?.start?.trim();
  if (!start || /[&|;<>$`'"\\()]/.test(start)) return undefined;
  const [cmd, ...words] = start.split(/\s+/);
  if (cmd !== 'node') return undefined;
  const file = words.findIndex((w) => !w.startsWith('-'));
  if (file < 0) return undefined;
  const target = words[file] === '.' ? pkg.main ?? 'index.js' : words[file]!;
  return [...words.slice(0, file), clean(target), ...words.slice(file + 1)];
}

/** The target of an `exports` map for the package root ('.'), for require, import, node or default. */
function exportsRoot(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (!exp || typeof exp !== 'object' || Array.isArray(exp)) return undefined;
  const map = exp as Record<string, unknown>;
  const root = Object.keys(map).some((k) => k.startsWith('.')) ? map['.'] : map;
  if (typeof root === 'string') return root;
  if (!root || typeof root !== 'object') return undefined;
  for (const k of ['node', 'import', 'require', 'default']) {
    const t = exportsRoot((root as Record<string, unknown>)[k]);
    if (t) return t;
  }
  return undefined;
}

/** Every path an `exports` value names. */
function exportTargets(exp: unknown): string[] {
  if (typeof exp === 'string') return [exp];
  if (!exp || typeof exp !== 'object') return [];
  return Object.values(exp as Record<string, unknown>).flatMap(exportTargets);
}

const clean = (p: string) => posix.normalize(p).replace(/^\.\//, '');
const binEntries = (pkg: PackageJson): string[] =>
  (typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {}));

/**
 * What prod gets of a folder after its build: tsconfig's outDir, the files package.json names (main, bin, exports,
 * files; a file in a folder brings its top folder, except src/), relative to the folder. Never package.json or locks.
 */
export function buildOutput(src: SourceInfo, dir: string, pkg: PackageJson): string[] {
  const outDir = tsOutDir(src, within(dir, tsconfigOf(pkg)));
  const named = [
    pkg.main, ...binEntries(pkg), ...exportTargets(pkg.exports), startCommand(pkg)?.find((w) => !w.startsWith('-')),
  ].filter((p): p is string => typeof p === 'string').map(clean);
  // A `files` pattern counts up to its first segment with a glob character ("lib/**/*.js" is lib).
  const literal = (f: string) => {
    const segments = clean(f).split('/');
    const glob = segments.findIndex((s) => /[*?[{]/.test(s));
    return segments.slice(0, glob < 0 ? segments.length : glob).join('/');
  };
  const files = (pkg.files ?? []).filter((f) => typeof f === 'string' && !f.startsWith('!')).map(literal);
  const paths = [
    ...(outDir ? [posix.relative(dir === '.' ? '' : dir, outDir) || '.'] : []),
    ...named.map((p) => (p.includes('/') && !p.startsWith('src/') ? p.slice(0, p.indexOf('/')) : p)),
    ...files,
  ].filter((p) => p && p !== '.' && !p.startsWith('..') && p !== 'package.json');
  const sorted = [...new Set(paths)].sort();
  return sorted.filter((p) => !sorted.some((q) => q !== p && p.startsWith(`${q}/`)));
}

/** The folder's paths prod gets, or null without a build script; an error when a build names no output. */
function folder(src: SourceInfo, dir: string, pkg: PackageJson): NodeFolder {
  if (!pkg.scripts?.build) return { dir, keep: null };
  const keep = buildOutput(src, dir, pkg);
  if (keep.length) return { dir, keep };
  const where = dir === '.' ? '' : `${dir}/`;
  throw new AirlockError('usage', 'node-build-output-unknown',
    `${where}package.json has a build script (${pkg.scripts.build}) but no build output is named: `
    + `${where}${tsconfigOf(pkg)} sets no compilerOptions.outDir, and package.json has no main, bin, exports or files`, {
      location: 'artifacts',
      hint: `set compilerOptions.outDir in ${where}${tsconfigOf(pkg)} or main in ${where}package.json; `
        + 'or declare build.steps that put the app into $AIRLOCK_OUT/app, and artifacts',
    });
}

/** The app of the project: the root folder, or the workspace `src.app` names (required when there are workspaces). */
export function nodeApp(src: SourceInfo): NodeApp {
  const root = packageJsonAt(src);
  const all = workspaceFolders(src);
  const links: Record<string, string> = {};
  for (const d of all) { const n = packageJsonAt(src, d).name; if (n) links[d] = n; }
  if (workspacePatterns(root).length === 0) {
    if (src.app) {
      const message = `build.workspace is ${src.app}, but package.json declares no workspaces`;
      throw new AirlockError('usage', 'node-workspace-unknown', message, {
        location: 'build.workspace', hint: 'remove build.workspace, or add "workspaces" to package.json',
      });
    }
    return { ...folder(src, '.', root), pkg: root, workspaces: [], allWorkspaces: [], links };
  }
  const found = all.map((d) => (links[d] ? `${d} (${links[d]})` : d)).join(', ') || 'none';
  const dir = src.app ? all.find((d) => d === clean(src.app!) || links[d] === src.app) : undefined;
  if (!dir) {
    const message = src.app ? `build.workspace is ${src.app}, which is none of the npm workspaces: ${found}`
      : `package.json declares npm workspaces (${found}) and the config does not say which one is the app`;
    throw new AirlockError('usage', src.app ? 'node-workspace-unknown' : 'node-workspace-ambiguous', message, {
      location: 'build.workspace',
      hint: `set build.workspace to the folder (or package name) of the app, e.g. ${all[0] ?? 'packages/api'}`,
    });
  }
  const pkg = packageJsonAt(src, dir);
  // The workspaces the app depends on, by package name, and theirs in turn.
  const byName = new Map(Object.entries(links).map(([d, n]) => [n, d]));
  const used = new Set<string>();
  const visit = (p: PackageJson) => {
    for (const dep of Object.keys(p.dependencies ?? {})) {
      const d = byName.get(dep);
      if (d && d !== dir && !used.has(d)) { used.add(d); visit(packageJsonAt(src, d)); }
    }
  };
  visit(pkg);
  const workspaces = [...used].sort().map((d) => folder(src, d, packageJsonAt(src, d)));
  return { ...folder(src, dir, pkg), pkg, workspaces, allWorkspaces: all, links };
}

/**
 * The command node runs, relative to the app folder: a plain `node …` start script, else main, else the root of
 * exports, else the one bin, else <outDir>/index.js after a build, else index.js. Two bin entries and nothing else
 * to go by is an error.
 */
export function nodeCommand(src: SourceInfo, app: { dir: string; pkg: PackageJson }): string[] {
  const { pkg } = app;
  const start = startCommand(pkg);
  if (start) return start;
  const named = pkg.main ?? exportsRoot(pkg.exports);
  if (named) return [clean(named)];
  const bins = binEntries(pkg);
  if (bins.length === 1) return [clean(bins[0]!)];
  if (bins.length > 1) {
    const names = Object.keys(pkg.bin as object).join(', ');
    throw new AirlockError('usage', 'entrypoint-ambiguous',
      `package.json has ${bins.length} bin entries (${names}) and no start script or main to choose by`, {
        location: 'runtime.entrypoint',
        hint: 'set runtime.entrypoint, e.g. ["/usr/bin/node", "/app/<the bin file>"], or a start script "node <file>"',
      });
  }
  const outDir = pkg.scripts?.build ? tsOutDir(src, within(app.dir, tsconfigOf(pkg))) : undefined;
  return [outDir ? posix.join(posix.relative(app.dir === '.' ? '' : app.dir, outDir), 'index.js') : 'index.js'];
}

/** The files the Node pack reads (relative paths; '*' stands for one folder name), given those read so far. */
export function nodeSourceFiles(src: SourceInfo): string[] {
  const root = packageJsonAt(src);
  const folders = ['.', ...workspaceFolders(src)];
  const wanted = workspacePatterns(root).map((p) => `${p}/package.json`);
  for (const d of folders) {
    let f: string | undefined = within(d, tsconfigOf(packageJsonAt(src, d)));
    for (let n = 0; f && n < 5; f = tsconfigParent(src, f), n++) wanted.push(f);
  }
  return [...new Set(wanted)].filter((f) => !f.startsWith('..'));
}

/**
 * The Node pack's source probe: the files nodeSourceFiles names, with each '*' folder listed first and then matched
 * against the listing (hidden names left out), as the source reader answers round by round.
 */
export function nodeSourceProbe(src: SourceInfo): SourceQuestions {
  const dirs = new Set<string>();
  const files = new Set<string>();
  const expand = (prefix: string, rest: string[]): void => {
    if (rest.length === 0) { files.add(prefix); return; }
    const [part, ...tail] = rest as [string, ...string[]];
    if (part !== '*') { expand(prefix ? `${prefix}/${part}` : part, tail); return; }
    const listing = prefix ? src.dirs?.get(prefix) : [...src.topDirs].map((d) => `${d}/`);
    if (!listing) { dirs.add(prefix); return; }
    for (const name of listing.filter((n) => n.endsWith('/') && !n.startsWith('.'))) expand(prefix ? `${prefix}/${name.slice(0, -1)}` : name.slice(0, -1), tail);
  };
  for (const pattern of nodeSourceFiles(src)) expand('', pattern.split('/'));
  return { dirs: [...dirs].sort(), files: [...files].filter((f) => !src.topText.has(f)).sort() };
}

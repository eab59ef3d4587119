// Selects what crosses the airlock: declared artifacts, or everything installed except development and documentation files.
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { AirlockError } from '../errors.js';

/** An artifact entry as the normalized config gives it. */
export interface ArtifactSpec {
  from: string;
  fromRoot: 'out' | 'src';
  to: string;
  mode?: number;
  /** Paths relative to `from` that are left out (language defaults: tests, VCS and build leftovers). */
  exclude?: RegExp[];
}

/** One file, link or directory that crosses the airlock. */
export interface HandoffFile {
  /** Where the bytes are on the host. */
  hostPath: string;
  /** Path inside the image, relative (no leading '/'). */
  path: string;
  type: 'file' | 'symlink' | 'dir';
  mode: number;
  linkname?: string;
}

/**
 * The folder of $AIRLOCK_OUT where steps leave notes for the build report (e.g. the Node pack's pruned.json): read by
 * the handoff, never part of an image.
 */
export const BUILD_NOTES_DIR = '.airlock';

const DEV_DOC_PATTERNS: RegExp[] = [
  /(^|\/)include(\/|$)/, // headers
  /\.(a|la|o|h|hpp|hh|hxx)$/, // static libraries, libtool archives, objects, headers
  /(^|\/)pkgconfig(\/|$)/,
  /(^|\/)cmake(\/|$)/, // CMake package config
  /(^|\/)share\/(man|info|doc|doc-base|gtk-doc|lintian|aclocal)(\/|$)/,
];

/** True for files that stay in dev: headers, static libraries, libtool archives, pkg-config, man/info/doc pages. */
export function isDevOrDocPath(rel: string): boolean {
  return DEV_DOC_PATTERNS.some((re) => re.test(rel));
}

/** True for the build notes under $AIRLOCK_OUT (BUILD_NOTES_DIR and what it holds). */
export function isBuildNote(rel: string): boolean {
  return rel === BUILD_NOTES_DIR || rel.startsWith(`${BUILD_NOTES_DIR}/`);
}

/** Lexically resolves a symlink target inside a root; undefined when it escapes. */
export function resolveInside(linkPath: string, target: string): string | undefined {
  const base = target.startsWith('/') ? target.slice(1) : posix.join(posix.dirname(linkPath), target);
  const norm = posix.normalize(base);
  if (norm === '..' || norm.startsWith('../') || posix.isAbsolute(norm)) return undefined;
  return norm === '.' ? '' : norm;
}

async function walk(root: string, rel: string, out: HandoffFile[], rootName: string): Promise<void> {
  const host = join(root, rel);
  const st = await lstat(host);
  if (st.isSymbolicLink()) {
    const linkname = await readlink(host);
    if (resolveInside(rel, linkname) === undefined) {
      throw new AirlockError('build', 'artifact-escapes', `artifact ${rootName}/${rel} is a symlink to ${linkname}, which points outside ${rootName}`, {
        hint: 'artifacts may only link inside the install root or the source tree',
      });
    }
    out.push({ hostPath: host, path: rel, type: 'symlink', mode: 0o777, linkname });
  } else if (st.isDirectory()) {
    if (rel) out.push({ hostPath: host, path: rel, type: 'dir', mode: st.mode & 0o7777 });
    for (const name of (await readdir(host)).sort()) await walk(root, rel ? `${rel}/${name}` : name, out, rootName);
  } else if (st.isFile()) {
    out.push({ hostPath: host, path: rel, type: 'file', mode: st.mode & 0o7777 });
  }
  // sockets, fifos and devices never cross the airlock
}

function checkRelative(p: string, what: string): string {
  const norm = posix.normalize(p.replace(/^\/+/, ''));
  if (norm === '..' || norm.startsWith('../')) {
    throw new AirlockError('usage', 'artifact-escapes', `artifact ${what} '${p}' escapes its root`, { location: 'artifacts', hint: 'use a path inside the install root or src:relative/path' });
  }
  return norm === '.' ? '' : norm;
}

/** Lists everything that crosses the airlock, given the install root, the work tree and the artifact specs. */
export async function selectArtifacts(outDir: string, srcDir: string, specs: ArtifactSpec[] | undefined): Promise<HandoffFile[]> {
  const all: HandoffFile[] = [];
  if (specs === undefined) {
    await walk(outDir, '', all, '$AIRLOCK_OUT');
    const kept = all.filter((f) => f.type !== 'dir' && !isDevOrDocPath(f.path) && !isBuildNote(f.path));
    return kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  const result = new Map<string, HandoffFile>();
  for (const spec of specs) {
    const root = spec.fromRoot === 'src' ? srcDir : outDir;
    const from = checkRelative(spec.from, 'from');
    const to = checkRelative(spec.to, 'to');
    const found: HandoffFile[] = [];
    try {
      await walk(root, from, found, spec.fromRoot === 'src' ? 'src:' : '$AIRLOCK_OUT');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new AirlockError('build', 'artifact-missing', `declared artifact '${spec.fromRoot === 'src' ? 'src:' : ''}${spec.from}' was not produced by the build`, {
          location: 'artifacts',
          hint: spec.fromRoot === 'src' ? 'paths with src: are relative to the source tree' : 'artifact paths are relative to the install root $AIRLOCK_OUT (e.g. /usr/bin/app)',
        });
      }
      throw e;
    }
    for (const f of found) {
      if (spec.fromRoot === 'out' && isBuildNote(f.path)) continue; // notes for the report, whatever a rule copies
      const suffix = f.path === from ? '' : f.path.slice(from.length + (from ? 1 : 0));
      if (suffix && spec.exclude?.some((re) => re.test(suffix))) continue;
      const path = suffix ? (to ? `${to}/${suffix}` : suffix) : to;
      if (!path) continue;
      const mode = spec.mode !== undefined && f.type === 'file' ? spec.mode : f.mode;
      result.set(path, { ...f, path, mode });
    }
  }
  return [...result.values()].filter((f) => f.type !== 'dir').sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// The ELF library closure of the artifacts: which Debian packages of the builder provide the libraries they need.
import { readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { AirlockError } from '../errors.js';
import type { HandoffFile } from './artifacts.js';

/** The parts of an ELF file the closure needs (a subset of the gates' ElfInfo). */
export interface ElfLinkInfo {
  interpreter?: string;
  needed: string[];
  /** The ELF machine name ('x86_64', 'aarch64', …). */
  machineName?: string;
  rpath?: string[] | string;
  runpath?: string[] | string;
}

export interface ClosureDeps {
  parseElf(bytes: Uint8Array): ElfLinkInfo | undefined;
  /** Debian package owning an absolute path of the builder rootfs, or undefined. */
  owner(absPath: string): Promise<string | undefined>;
  /** Sees each ELF artifact as parsed, before its libraries are looked for (it may refuse one by throwing). */
  artifact?(path: string, info: ElfLinkInfo): void;
}

export interface ClosureResult {
  /** Packages that provide needed libraries (and the dynamic loader). */
  packages: string[];
  /**
   * Per artifact: what it needs and where it was found (for the report and `airlock why`); `by` is the file whose
   * DT_NEEDED (or PT_INTERP) names the library: the artifact itself, or a library on the way.
   */
  links: { artifact: string; by: string; library: string; foundAt: string; package: string | undefined }[];
  /** Artifacts that are ELF files (paths relative to the image root). */
  elfArtifacts: string[];
}

const TRIPLETS: Record<string, string> = { amd64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', armhf: 'arm-linux-gnueabihf', i386: 'i386-linux-gnu', ppc64el: 'powerpc64le-linux-gnu', s390x: 's390x-linux-gnu', riscv64: 'riscv64-linux-gnu' };

/** The default library search directories of a Debian system of an architecture. */
export function defaultLibDirs(architecture: string): string[] {
  const t = TRIPLETS[architecture] ?? `${architecture}-linux-gnu`;
  return [`/usr/local/lib/${t}`, '/usr/local/lib', `/lib/${t}`, `/usr/lib/${t}`, '/lib', '/usr/lib'];
}

function listOf(v: string[] | string | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : v.split(':')).filter(Boolean);
}

async function exists(p: string): Promise<boolean> {
  try { return (await stat(p)).isFile(); } catch { return false; }
}

/** Resolves the DT_NEEDED closure of every ELF artifact against the artifacts themselves, then the builder rootfs. */
export async function elfClosure(files: HandoffFile[], rootfs: string, architecture: string, deps: ClosureDeps): Promise<ClosureResult> {
  const byPath = new Map(files.filter((f) => f.type === 'file').map((f) => [`/${f.path}`, f]));
  const symlinks = new Map(files.filter((f) => f.type === 'symlink').map((f) => [`/${f.path}`, f.linkname ?? '']));
  // An artifact by the path the loader opens: a file, or a symlink among the artifacts to one (a library's soname
  // link, libfoo.so.1 → libfoo.so.1.2.3), followed lexically.
  const artifactAt = (path: string): HandoffFile | undefined => {
    let p = path;
    for (let hops = 0; hops < 16; hops++) {
      const file = byPath.get(p);
      if (file) return file;
      const target = symlinks.get(p);
      if (target === undefined) return undefined;
      p = posix.resolve(posix.dirname(p), target);
    }
    return undefined;
  };
  const packages = new Set<string>();
  const links: ClosureResult['links'] = [];
  const elfArtifacts: string[] = [];
  const seen = new Set<string>();
  // queue items: [image path, host path, origin artifact]
  const queue: { image: string; host: string; from: string; inArtifacts: boolean }[] = [];
  for (const f of byPath.values()) queue.push({ image: `/${f.path}`, host: f.hostPath, from: `/${f.path}`, inArtifacts: true });
  const libDirs = defaultLibDirs(architecture);
  while (queue.length) {
    const item = queue.shift()!;
    if (seen.has(item.image)) continue;
    seen.add(item.image);
    const info = deps.parseElf(new Uint8Array(await readFile(item.host)));
    if (!info) continue;
    if (item.inArtifacts) {
      elfArtifacts.push(item.image.slice(1));
      deps.artifact?.(item.image, info);
    }
    const wanted: string[] = [];
    if (info.interpreter) wanted.push(info.interpreter);
    wanted.push(...info.needed);
    const origin = posix.dirname(item.image);
    const searchDirs = [...listOf(info.rpath), ...listOf(info.runpath)].map((d) => d.replace(/\$\{?ORIGIN\}?/g, origin)).concat(libDirs);
    for (const lib of wanted) {
      const candidates = lib.includes('/') ? [lib] : searchDirs.map((d) => posix.join(d, lib));
      let found: { image: string; host: string; inArtifacts: boolean } | undefined;
      for (const c of candidates) {
        const a = artifactAt(c);
        if (a) { found = { image: `/${a.path}`, host: a.hostPath, inArtifacts: true }; break; }
        if (await exists(join(rootfs, c))) { found = { image: c, host: join(rootfs, c), inArtifacts: false }; break; }
      }
      if (!found) {
        throw new AirlockError('build', 'library-missing', `${item.from} needs ${lib}, which is neither among the artifacts nor in the builder (searched ${searchDirs.join(', ')})`, {
          hint: 'add the package that provides it to `packages`, or declare the library as an artifact',
        });
      }
      const pkg = found.inArtifacts ? undefined : await deps.owner(found.image);
      if (!found.inArtifacts && !pkg) {
        throw new AirlockError('build', 'library-unowned', `${item.from} needs ${found.image}, which no Debian package of the builder owns`, {
          hint: 'libraries built by the project must be declared as artifacts so they cross the airlock',
        });
      }
      if (pkg) packages.add(pkg);
      links.push({ artifact: item.from, by: item.image, library: lib, foundAt: found.image, package: pkg });
      queue.push({ ...found, from: item.from });
    }
  }
  return { packages: [...packages].sort(), links, elfArtifacts: elfArtifacts.sort() };
}

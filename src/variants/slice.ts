// Slicing: prod keeps, of each runtime package it holds only because something needs it, just the files that are
// needed: the ELF closure at file level, the files loaded by name at run time (SLICE_RULES), an interpreter's
// library, /etc, and the copyright. Declared packages stay whole. Pure: entries in, entries out.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { AirlockError } from '../errors.js';
import { entryBytes, type FileEntry } from '../image/entry.js';
import { patternRegExp } from '../config/ignore.js';
import { defaultLibDirs, type ElfLinkInfo } from './elf-closure.js';

/** What the slicer needs of an ELF file: its links, and the symbols it imports (for the run-time loading rules). */
export interface SliceElf extends ElfLinkInfo {
  imports: readonly string[];
}

/** A file outside the runtime layer whose needs count: an artifact, the registry toolchain's node. */
export interface SliceRoot {
  /** Image path without the leading '/'. */
  path: string;
  type: 'file' | 'symlink' | 'dir' | 'hardlink';
  linkname?: string;
  bytes?: Uint8Array;
}

export interface SliceInput {
  /** Every file of the runtime packages (merged-usr, sorted), contents in memory. */
  entries: readonly FileEntry[];
  /** Package of each packaged file, symlink and hard link. Paths without an owner (status.d, the CA bundle) stay. */
  owners: ReadonlyMap<string, string>;
  /** Packages declared in the config's `packages`: kept whole. */
  whole: ReadonlySet<string>;
  /** The artifacts (and other files prod gets besides the packages). */
  roots: readonly SliceRoot[];
  /** The image's entrypoint: its program is kept. */
  entrypoint?: readonly string[];
  /** `keep:` globs, as written. */
  keep: readonly string[];
  architecture: string;
  parseElf(bytes: Uint8Array): SliceElf | undefined;
  /**
   * md5, sha1 and sha256 of a packaged file (its bytes from `data`) from a record a caller keeps between builds: those
   * of libnode and ICU's data took 0.2 s on every build (default: hashed here). Asked for the bytes only when unknown.
   */
  fileDigests?(path: string, data: () => Promise<Uint8Array>): Promise<FileDigests>;
  /**
   * What slicing reads of a packaged file (its ELF links and imports, the paths it names, its `#!` interpreter, the
   * modules a .py imports), from a record a caller keeps per runtime set (default: worked out from `bytes`). A rebuild
   * whose runtime set did not change then reads none of its files.
   */
  fileFacts?(path: string, kind: FactKind, bytes: () => Promise<Uint8Array>): Promise<FileFacts>;
}

/** What slicing learns from a file's bytes: `exec` for a file it follows, `python` for a module it scans for imports. */
export type FactKind = 'exec' | 'python';

/** A file's facts: ELF link info and named paths, or its `#!` interpreter; or the modules a Python source imports. */
export interface FileFacts {
  elf?: SliceElf;
  named?: string[];
  shebang?: string;
  imports?: string[];
}

/** The facts of `kind` of a file's bytes (what `SliceInput.fileFacts` keeps). */
export function fileFactsOf(bytes: Uint8Array, kind: FactKind, parseElf: (b: Uint8Array) => SliceElf | undefined): FileFacts {
  if (kind === 'python') return { imports: [...pythonImports(Buffer.from(bytes).toString('utf8'))] };
  const info = parseElf(bytes);
  if (info) {
    const elf: SliceElf = { needed: [...info.needed], imports: [...info.imports] };
    if (info.interpreter !== undefined) elf.interpreter = info.interpreter;
    if (info.rpath !== undefined) elf.rpath = info.rpath;
    if (info.runpath !== undefined) elf.runpath = info.runpath;
    return { elf, named: namedPaths(bytes) };
  }
  const interpreter = shebang(bytes);
  return interpreter !== undefined ? { shebang: interpreter } : {};
}

/** md5 (the md5sums lists), sha1 and sha256 (the SBOMs) of a file's bytes, as hex. */
export type FileDigests = [md5: string, sha1: string, sha256: string];

export function hashFileDigests(data: Uint8Array): FileDigests {
  return [createHash('md5').update(data).digest('hex'), createHash('sha1').update(data).digest('hex'), createHash('sha256').update(data).digest('hex')];
}

/** Per package: what slicing kept and removed (for the report, the SBOMs and `airlock diff`). */
export interface SlicedPackage {
  name: string;
  whole: boolean;
  /** Kept files, symlinks and hard links (image paths without '/'), sorted. */
  kept: string[];
  keptBytes: number;
  removed: string[];
  removedBytes: number;
}

export interface SliceResult {
  entries: FileEntry[];
  packages: SlicedPackage[];
  /** Why each rule-kept path is there: rule name per path the rules added (first rule wins). */
  rules: { rule: string; paths: number }[];
  /** sha1 and sha256 of every kept packaged file (what an SBOM lists per package). */
  digests: Map<string, { sha1: string; sha256: string }>;
  /** Artifacts that serve only sliced-away files (bytecode of removed standard-library modules): prod drops them. */
  orphaned: string[];
  /** `keep:` globs that matched no file of the runtime packages. */
  unmatchedKeep: string[];
  /** Paths kept by a rule (not by a NEEDED link or a declaration) → the rule's name. */
  keptBy: Map<string, string>;
  /** Every removed path → why slicing left it out. */
  leftOut: Map<string, string>;
  /** Libraries a rule-kept file needs that no runtime package provides (those files would fail to load). */
  warnings: string[];
}

/** Symbols whose implementation loads NSS modules (users, groups, hosts, services) named by /etc/nsswitch.conf. */
export const NSS_CALLS = [
  'getpwnam', 'getpwnam_r', 'getpwuid', 'getpwuid_r', 'getpwent', 'getpwent_r', 'getgrnam', 'getgrnam_r', 'getgrgid',
  'getgrgid_r', 'getgrent', 'getgrouplist', 'initgroups', 'getspnam', 'getspnam_r', 'getaddrinfo', 'getnameinfo',
  'gethostbyname', 'gethostbyname_r', 'gethostbyname2', 'gethostbyname2_r', 'gethostbyaddr', 'gethostbyaddr_r',
  'getservbyname', 'getservbyname_r', 'getservbyport', 'getservbyport_r', 'getprotobyname', 'getprotobyname_r',
  'getprotobynumber', 'getprotobynumber_r', 'getnetbyname', 'getnetbyaddr',
];

/**
 * A file-loading rule: when a kept ELF imports one of `imports`, or a kept path matches `kept`, keep `paths`. With
 * `programsOnly`, only the imports of programs count (artifacts, declared packages, the entrypoint, rule-kept files),
 * not those of libraries reached by DT_NEEDED: libstdc++ imports iconv_open for a codecvt few programs use.
 */
export interface SliceRule {
  name: string;
  imports?: readonly string[];
  programsOnly?: boolean;
  kept?: RegExp;
  /** What `kept` looks for, as a user reads it ("libcrypto.so.3"). */
  keptText?: string;
  /** Globs relative to the image root; `{triplet}` is the architecture's multiarch triplet. */
  paths: readonly string[];
}

/** The run-time loading Debian's libraries do by file name, which no DT_NEEDED shows. */
export const SLICE_RULES: readonly SliceRule[] = [
  { name: 'NSS modules (user, group and host lookups)', imports: NSS_CALLS, paths: ['usr/lib/{triplet}/libnss_files.so*', 'usr/lib/{triplet}/libnss_dns.so*'] },
  { name: 'gconv modules (iconv)', imports: ['iconv_open'], programsOnly: true, paths: ['usr/lib/{triplet}/gconv/**'] },
  { name: 'the C.UTF-8 locale (setlocale)', imports: ['setlocale', 'newlocale'], paths: ['usr/lib/locale/C.utf8/**'] },
  { name: 'libgcc_s (thread cancellation and unwinding)', imports: ['pthread_cancel', 'pthread_exit', 'backtrace'], paths: ['usr/lib/{triplet}/libgcc_s.so.1'] },
  { name: 'OpenSSL providers, engines and configuration', kept: /(^|\/)libcrypto\.so\.3$/, keptText: 'libcrypto.so.3', paths: ['usr/lib/{triplet}/ossl-modules/**', 'usr/lib/{triplet}/engines-3/**', 'usr/lib/ssl/**'] },
  { name: 'SASL mechanisms', kept: /(^|\/)libsasl2\.so\.2$/, keptText: 'libsasl2.so.2', paths: ['usr/lib/{triplet}/sasl2/**'] },
  { name: 'PKCS#11 modules', kept: /(^|\/)libp11-kit\.so\.0$/, keptText: 'libp11-kit.so.0', paths: ['usr/share/p11-kit/**', 'usr/lib/{triplet}/pkcs11/**'] },
  { name: 'GnuTLS configuration', kept: /(^|\/)libgnutls\.so\.30$/, keptText: 'libgnutls.so.30', paths: ['etc/gnutls/**'] },
  { name: 'the Java runtime (its libraries load one another by path)', kept: /^usr\/lib\/jvm\/[^/]+\/bin\/java$/, keptText: 'the java launcher', paths: ['usr/lib/jvm/**'] },
  { name: 'the Python standard library', kept: /^usr\/bin\/python3\.\d+$/, keptText: 'the python3 interpreter', paths: ['usr/lib/python3.*/**', 'usr/lib/python3/**'] },
];

/**
 * Standard-library parts no application needs unless it imports them by name: the test suites, IDLE, Tk and turtle,
 * the 2to3 tool, ensurepip, and help()'s topic texts (pydoc_data, for `pydoc`).
 */
export const PYTHON_UNUSED: Readonly<Record<string, readonly string[]>> = {
  test: ['test'], idlelib: ['idlelib'], tkinter: ['tkinter', 'turtle'], 'turtle.py': ['turtle'], turtledemo: ['turtledemo'],
  ensurepip: ['ensurepip'], lib2to3: ['lib2to3'], pydoc_data: ['pydoc', 'pydoc_data'],
};

/**
 * Extension modules of the standard library for interactive or legacy use, each with a native library of its own
 * (readline, ncurses, Berkeley DB, GDBM, NIS with Kerberos, libcrypt), and the imports that want them. The standard
 * library imports none of them unguarded: `cmd` and `site` try readline, `dbm` falls back to dbm.dumb.
 */
export const PYTHON_OPTIONAL_NATIVE: Readonly<Record<string, readonly string[]>> = {
  readline: ['readline', 'rlcompleter'], _curses: ['curses'], _curses_panel: ['curses'], _dbm: ['dbm', 'shelve'],
  _gdbm: ['dbm', 'shelve'], nis: ['nis'], _crypt: ['crypt'],
};

/** Triplets of the architectures Debian builds for. */
function triplet(architecture: string): string {
  return defaultLibDirs(architecture)[2]!.slice('/lib/'.length);
}

const rel = (p: string) => p.replace(/^\/+/, '');

/** The top-level module names a Python source imports. */
export function pythonImports(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^[ \t]*(?:from[ \t]+([A-Za-z_][\w]*)|import[ \t]+([A-Za-z_][\w]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*))/gm)) {
    if (m[1]) out.add(m[1]);
    else for (const part of m[2]!.split(',')) out.add(part.trim().split('.')[0]!);
  }
  return out;
}

/**
 * Why a path is a part of Python's standard library no application here imports (its test suites always), or
 * undefined when it may be used.
 */
export function pythonUnusedReason(path: string, imported: ReadonlySet<string>): string | undefined {
  const m = /^usr\/lib\/python3\.\d+\/(.*)$/.exec(path);
  if (!m) return undefined;
  const parts = m[1]!.split('/');
  const none = (names: readonly string[]) => `the application imports none of ${names.join(', ')}`;
  const wanted = PYTHON_UNUSED[parts[0]!];
  if (wanted && !wanted.some((w) => imported.has(w))) return `Python's ${parts[0]} is unused: ${none(wanted)}`;
  const ext = parts[0] === 'lib-dynload' && parts.length === 2 ? /^([A-Za-z_]\w*)\.cpython-/.exec(parts[1]!)?.[1] : undefined;
  const users = ext ? PYTHON_OPTIONAL_NATIVE[ext] : undefined;
  if (users && !users.some((w) => imported.has(w))) return `Python's ${ext} extension is unused: ${none(users)}`;
  // The test suites inside packages (ctypes/test, unittest/test, sqlite3/test, distutils/tests…).
  const suite = parts.slice(1, -1).some((p) => p === 'test' || p === 'tests') && !['site-packages', 'dist-packages'].includes(parts[0]!);
  return suite ? "a test suite of Python's standard library" : undefined;
}

/** Whether a path is a part of Python's standard library no application here imports. */
export function pythonUnused(path: string, imported: ReadonlySet<string>): boolean {
  return pythonUnusedReason(path, imported) !== undefined;
}

/** The source a byte-compiled standard-library file was made from (`a/__pycache__/b.cpython-311.pyc` → `a/b.py`). */
export function pycSource(path: string): string | undefined {
  const m = /^(usr\/lib\/python3\.\d+\/(?:.*\/)?)__pycache__\/([^/]+?)\.cpython-\d+(?:\.opt-\d)?\.pyc$/.exec(path);
  return m ? `${m[1]}${m[2]}.py` : undefined;
}

/** The interpreter of a script's `#!` line (for `/usr/bin/env X`, `/usr/bin/X`). */
export function shebang(bytes: Uint8Array): string | undefined {
  if (bytes[0] !== 0x23 || bytes[1] !== 0x21) return undefined;
  const line = Buffer.from(bytes.subarray(0, 256)).toString('latin1').split('\n', 1)[0]!.slice(2).trim().split(/\s+/);
  if (!line[0]?.startsWith('/')) return undefined;
  if (/\/env$/.test(line[0]) && line[1] && !line[1].startsWith('-')) return `/usr/bin/${line[1]}`;
  return line[0];
}

/** "usr/", "etc/", "opt/" and "lib/" as little-endian 32-bit words. */
const NAMED_ROOTS = new Set(['usr/', 'etc/', 'opt/', 'lib/'].map((r) => Buffer.from(r, 'latin1').readUInt32LE(0)));

/**
 * Absolute paths under /usr, /etc, /opt or /lib that a binary holds as NUL-terminated strings: a NUL, the path (one
 * or more printable ASCII bytes after the top folder, no space), a NUL; each path once, in the order first found.
 * Read byte by byte from each slash the native search finds (slashes are rare in binaries, NULs are not): libnode's
 * 47 MB took 0.25 s as a latin1 string and a regular expression (0.65 s inside a build, with the garbage it left),
 * on every build; now about 10 ms.
 */
export function namedPaths(bytes: Uint8Array): string[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = new Set<string>();
  for (let at = buf.indexOf(0x2f, 1); at !== -1; at = buf.indexOf(0x2f, at + 1)) {
    if (buf[at - 1] !== 0 || at + 6 > buf.length || !NAMED_ROOTS.has(buf.readUInt32LE(at + 1))) continue;
    let end = at + 5;
    while (end < buf.length && buf[end]! >= 0x21 && buf[end]! <= 0x7e) end++;
    // At least one byte after the top folder, and the NUL right after the last printable one (which may open the
    // next path: the search goes on after it).
    if (end > at + 5 && buf[end] === 0) {
      found.add(buf.toString('latin1', at, end));
      at = end;
    }
  }
  return [...found];
}

/** Slices the runtime entries (see the module comment). Throws when an artifact needs a library prod would not have. */
export async function sliceRuntime(input: SliceInput): Promise<SliceResult> {
  const byPath = new Map(input.entries.map((e) => [e.path, e]));
  const rootByPath = new Map(input.roots.map((r) => [rel(r.path), r]));
  const t = triplet(input.architecture);
  const libDirs = defaultLibDirs(input.architecture).map(rel);
  const kept = new Set<string>();
  const ruleOf = new Map<string, string>();
  const warnings: string[] = [];
  const imports = new Set<string>();
  const programImports = new Set<string>();
  // strict: a missing library fails the build (artifacts, the entrypoint); program: its imports fire every rule.
  const elfQueue: { path: string; from: string; strict: boolean; program: boolean }[] = [];
  const parsed = new Set<string>();

  // An artifact shadows a packaged file at the same path (its layer comes later).
  const entryOrRoot = (p: string): { type: FileEntry['type']; linkname?: string } | undefined => rootByPath.get(p) ?? byPath.get(p);
  /**
   * Follows a path through symlinks (of any of its parts) to the entry it names; keeps every runtime symlink on the
   * way. Returns the final path, or undefined when it names nothing.
   */
  const resolve = (path: string, keepLinks: boolean): string | undefined => {
    let parts = rel(posix.normalize(`/${path}`)).split('/').filter(Boolean);
    for (let hops = 0, i = 0; i < parts.length; i++) {
      const here = parts.slice(0, i + 1).join('/');
      const e = entryOrRoot(here);
      if (!e || e.type !== 'symlink') continue; // a folder (listed or only implied by what is in it), or the end
      if (++hops > 40) return undefined;
      if (keepLinks && byPath.has(here)) kept.add(here);
      const target = e.linkname!.startsWith('/') ? e.linkname! : posix.join(posix.dirname(`/${here}`), e.linkname!);
      parts = [...rel(posix.normalize(target)).split('/').filter(Boolean), ...parts.slice(i + 1)];
      i = -1;
    }
    const end = parts.join('/');
    return entryOrRoot(end) ? end : undefined;
  };
  const keepPath = (path: string, from: string, strict: boolean, program: boolean): void => {
    const end = resolve(path, true);
    if (end === undefined) return;
    if (rootByPath.has(end)) { elfQueue.push({ path: end, from, strict, program }); return; }
    const e = byPath.get(end)!;
    if (e.type === 'hardlink') keepPath(e.linkname!, from, strict, program);
    if (kept.has(end)) return;
    kept.add(end);
    if (e.type === 'file') elfQueue.push({ path: end, from, strict, program });
  };

  // Roots: the artifacts' ELF files, declared packages (whole), /etc, unowned paths, copyright files, the entrypoint.
  for (const r of input.roots) {
    if (r.type === 'file' && r.bytes) elfQueue.push({ path: rel(r.path), from: rel(r.path), strict: true, program: true });
    if (r.type === 'symlink') keepPath(rel(r.path), rel(r.path), true, true);
  }
  for (const e of input.entries) {
    if (e.type === 'dir') continue;
    const owner = input.owners.get(e.path);
    if (owner === undefined || input.whole.has(owner) || e.path.startsWith('etc/') || e.path.startsWith('usr/share/doc/')) {
      keepPath(e.path, e.path, false, owner !== undefined && input.whole.has(owner));
    }
  }
  if (input.entrypoint?.[0]?.startsWith('/')) keepPath(input.entrypoint[0], rel(input.entrypoint[0]), true, true);
  const keepRes = input.keep.map((g) => ({ glob: g, re: patternRegExp(rel(g)), hits: 0 }));
  for (const e of input.entries) {
    if (e.type === 'dir') continue;
    for (const k of keepRes) if (k.re.test(e.path)) { k.hits++; keepPath(e.path, e.path, false, true); }
  }

  // Python: which of the unused standard-library folders the application imports after all.
  const rules = SLICE_RULES.map((r) => ({
    ...r, fired: false, res: r.paths.map((p) => patternRegExp(p.replace('{triplet}', t))), count: 0,
  }));
  const bytesOf = async (path: string): Promise<Uint8Array | undefined> => {
    const root = rootByPath.get(path);
    if (root) return root.bytes;
    const e = byPath.get(path);
    return e?.open ? entryBytes(e) : undefined;
  };
  /** The facts of a file: a root's from its bytes, a packaged file's from the caller's record when it keeps one. */
  const factsOf = async (path: string, kind: FactKind): Promise<FileFacts> => {
    const root = rootByPath.get(path);
    if (root) return root.bytes ? fileFactsOf(root.bytes, kind, input.parseElf) : {};
    const e = byPath.get(path);
    if (!e?.open) return {};
    const bytes = () => entryBytes(e);
    return input.fileFacts ? input.fileFacts(path, kind, bytes) : fileFactsOf(await bytes(), kind, input.parseElf);
  };
  /** Keeps a file (not a folder) of the runtime packages named by a kept file; absent names are no error. */
  const keepNamed = (path: string, from: string, why: string): void => {
    const end = resolve(path, false);
    const e = end === undefined ? undefined : byPath.get(end);
    if (!e || e.type === 'dir' || kept.has(end!)) return;
    const p = rel(path);
    if (!ruleOf.has(p) && byPath.has(p)) ruleOf.set(p, why);
    keepPath(path, from, false, true);
  };
  // The application's sources, its pip-installed dependencies (artifacts) and Debian's python3-* modules count.
  const pyImported = new Set<string>();
  const scan = (bytes: Uint8Array) => { for (const m of pythonImports(Buffer.from(bytes).toString('utf8'))) pyImported.add(m); };
  for (const r of input.roots) if (r.type === 'file' && r.bytes && r.path.endsWith('.py') && !/^usr\/lib\/python3\.\d+\//.test(r.path)) scan(r.bytes);
  for (const e of input.entries) {
    if (e.type !== 'file' || !/^usr\/lib\/python3\/dist-packages\/.*\.py$/.test(e.path)) continue;
    for (const m of (await factsOf(e.path, 'python')).imports ?? []) pyImported.add(m);
  }

  for (;;) {
    while (elfQueue.length) {
      const item = elfQueue.shift()!;
      if (parsed.has(item.path)) continue;
      parsed.add(item.path);
      const facts = await factsOf(item.path, 'exec');
      const info = facts.elf;
      if (!info) {
        // A script: its interpreter (`#!/usr/bin/python3`, `#!/usr/bin/env node`) is a program of prod.
        if (facts.shebang) keepNamed(facts.shebang, item.from, 'script interpreters');
        continue;
      }
      // Files a binary names by absolute path (Debian's node loads acorn and undici from /usr/share/nodejs).
      for (const named of facts.named ?? []) keepNamed(named, item.from, 'files named by absolute path in a kept binary');
      for (const s of info.imports) { imports.add(s); if (item.program) programImports.add(s); }
      const origin = posix.dirname(`/${item.path}`);
      const list = (v: string[] | string | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : v.split(':')).filter(Boolean);
      const search = [...list(info.rpath), ...list(info.runpath)].map((d) => rel(d.replace(/\$\{?ORIGIN\}?/g, origin))).concat(libDirs);
      for (const lib of [...(info.interpreter ? [info.interpreter] : []), ...info.needed]) {
        const candidates = lib.includes('/') ? [rel(lib)] : search.map((d) => posix.join(d, lib));
        const found = candidates.find((c) => resolve(c, false) !== undefined);
        if (found === undefined) {
          const message = `${item.from === item.path ? `/${item.path}` : `/${item.path} (needed by /${item.from})`} needs ${lib}, which no runtime package provides`;
          if (item.strict) {
            throw new AirlockError('build', 'library-missing', message, {
              hint: 'add the package that provides it to `packages`, or declare the library as an artifact',
            });
          }
          warnings.push(message);
          continue;
        }
        keepPath(found, item.from, item.strict, false);
      }
    }
    // Rules that fire on what is kept so far; what they add is closed again, until nothing new fires.
    let added = false;
    for (const r of rules) {
      if (r.fired) continue;
      const byImport = r.imports?.some((s) => (r.programsOnly ? programImports : imports).has(s)) ?? false;
      const byKept = r.kept ? [...kept].some((p) => r.kept!.test(p)) : false;
      if (!byImport && !byKept) continue;
      r.fired = true;
      added = true;
      for (const e of input.entries) {
        if (e.type === 'dir' || kept.has(e.path) || !r.res.some((re) => re.test(e.path))) continue;
        if (pythonUnused(e.path, pyImported)) continue;
        if (!ruleOf.has(e.path)) { ruleOf.set(e.path, r.name); r.count++; }
        keepPath(e.path, e.path, false, true);
      }
    }
    if (!added && elfQueue.length === 0) break;
  }

  // Directories that hold something kept (with their packaged modes), and every package's md5sums for what it kept.
  const out: FileEntry[] = [];
  const keptDirs = new Set<string>();
  for (const p of kept) for (let d = posix.dirname(p); d !== '.'; d = posix.dirname(d)) keptDirs.add(d);
  const perPackage = new Map<string, SlicedPackage>();
  const leftOut = new Map<string, string>();
  const calls = (names: readonly string[]) => names.length > 4 ? `${names.slice(0, 4).join(', ')}… (${names.length} functions)` : names.join(', ');
  const leftOutReason = (path: string): string => {
    const py = pythonUnusedReason(path, pyImported);
    if (py) return py;
    const rule = rules.find((r) => !r.fired && r.res.some((re) => re.test(path)));
    if (rule?.imports) return `the rule for ${rule.name} did not apply: no kept ${rule.programsOnly ? 'program' : 'file'} calls ${calls(rule.imports)}`;
    if (rule) return `the rule for ${rule.name} did not apply: prod keeps no ${rule.keptText ?? rule.kept!.source}`;
    return 'no kept file needs it: no artifact or kept library NEEDs it, names its path, or runs it, and no rule or `keep:` glob matches it';
  };
  const md5 = new Map<string, string[]>();
  const digests = new Map<string, { sha1: string; sha256: string }>();
  for (const e of input.entries) {
    const owner = input.owners.get(e.path);
    const isMd5 = /^var\/lib\/dpkg\/status\.d\/.+\.md5sums$/.test(e.path);
    if (isMd5) continue;
    if (owner !== undefined && e.type !== 'dir') {
      const p = perPackage.get(owner) ?? { name: owner, whole: input.whole.has(owner), kept: [], keptBytes: 0, removed: [], removedBytes: 0 };
      perPackage.set(owner, p);
      if (kept.has(e.path)) { p.kept.push(e.path); p.keptBytes += e.size; } else {
        p.removed.push(e.path);
        p.removedBytes += e.size;
        leftOut.set(e.path, leftOutReason(e.path));
      }
    }
    if (e.type === 'dir' ? keptDirs.has(e.path) : kept.has(e.path)) {
      out.push(e);
      if (e.type === 'file' && owner !== undefined) {
        // A packaged file an artifact shadows is never kept (keepPath stops at roots): these are the package's bytes.
        const data = async () => (await bytesOf(e.path))!;
        const [sum, sha1, sha256] = input.fileDigests ? await input.fileDigests(e.path, data) : hashFileDigests(await data());
        digests.set(e.path, { sha1, sha256 });
        if (!md5.has(owner)) md5.set(owner, []);
        md5.get(owner)!.push(`${sum}  ${e.path}\n`);
      }
    }
  }
  for (const e of input.entries) {
    const m = /^var\/lib\/dpkg\/status\.d\/(.+)\.md5sums$/.exec(e.path);
    if (!m) continue;
    const data = Buffer.from((md5.get(m[1]!) ?? []).sort().join(''));
    out.push({ ...e, size: data.length, open: async function* () { yield new Uint8Array(data); } });
  }
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // Byte-compiled standard-library files (artifacts of the build) whose sources were sliced away go with them.
  const orphaned = input.roots.map((r) => rel(r.path)).filter((p) => {
    const src = pycSource(p);
    return src !== undefined && input.owners.has(src) && !kept.has(src);
  }).sort();
  return {
    entries: out,
    packages: [...perPackage.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    rules: [
      ...rules.filter((r) => r.fired).map((r) => ({ rule: r.name, paths: r.count })),
      ...['script interpreters', 'files named by absolute path in a kept binary'].map((rule) => ({ rule, paths: [...ruleOf.values()].filter((w) => w === rule).length })).filter((r) => r.paths > 0),
    ],
    digests,
    keptBy: ruleOf,
    leftOut,
    orphaned,
    unmatchedKeep: keepRes.filter((k) => k.hits === 0).map((k) => k.glob),
    warnings,
  };
}

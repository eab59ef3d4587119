// Tool name lists (shells, package managers, compilers, debuggers) and matching of executables by name.
import type { FsEntry, ImageFs } from '../fs-types.js';

/** Shells and multi-call binaries that provide one. */
export const SHELLS = ['sh', 'bash', 'rbash', 'dash', 'ash', 'busybox', 'toybox', 'zsh', 'ksh', 'ksh93', 'mksh', 'lksh', 'pdksh', 'oksh', 'csh', 'tcsh', 'fish', 'yash', 'posh', 'elvish', 'nu', 'xonsh'];

/** Package managers of distributions and language ecosystems. */
export const PACKAGE_MANAGERS = ['apt', 'apt-get', 'apt-cache', 'apt-mark', 'aptitude', 'dpkg', 'dpkg-deb', 'dpkg-query', 'dpkg-divert', 'rpm', 'yum', 'dnf', 'microdnf', 'zypper', 'apk', 'pacman', 'opkg', 'emerge', 'nix', 'nix-env', 'snap', 'flatpak', 'brew', 'pip', 'pip2', 'pip3', 'pipx', 'easy_install', 'conda', 'mamba', 'micromamba', 'poetry', 'pipenv', 'uv', 'npm', 'npx', 'yarn', 'pnpm', 'corepack', 'bun', 'gem', 'bundle', 'bundler', 'cargo', 'composer', 'cpan', 'cpanm', 'nuget'];

/** Compilers, assemblers, linkers and build tools. */
export const COMPILERS = ['gcc', 'g++', 'cc', 'c++', 'cpp', 'c89', 'c99', 'cc1', 'cc1plus', 'cc1obj', 'collect2', 'lto1', 'clang', 'clang++', 'clang-cpp', 'tcc', 'icc', 'gfortran', 'gccgo', 'gnat', 'as', 'gas', 'nasm', 'yasm', 'ld', 'ld.bfd', 'ld.gold', 'ld.lld', 'lld', 'gold', 'mold', 'ar', 'ranlib', 'make', 'gmake', 'bmake', 'cmake', 'ninja', 'meson', 'scons', 'bazel', 'autoconf', 'automake', 'autoreconf', 'libtool', 'pkg-config', 'pkgconf', 'go', 'gofmt', 'rustc', 'rustup', 'javac', 'kotlinc', 'scalac', 'mvn', 'gradle', 'ant', 'sbt', 'dotnet', 'swiftc', 'ghc', 'tsc', 'esbuild', 'node-gyp'];

/** Debuggers, tracers and profilers. */
export const DEBUGGERS = ['gdb', 'gdbserver', 'gdb-multiarch', 'lldb', 'lldb-server', 'strace', 'ltrace', 'perf', 'valgrind', 'bpftrace', 'trace-cmd', 'sysdig', 'dtrace', 'gcore', 'pstack', 'rr', 'uftrace', 'delve', 'dlv'];

/** Strips a GNU triplet prefix and a version suffix: 'x86_64-linux-gnu-gcc-12' → 'gcc', 'python3.11' stays. */
export function toolName(base: string): string {
  return base.replace(/^[a-z0-9_]+-(linux|w64|pc|unknown|none)-[a-z0-9_-]*?-(?=[a-z])/, '').replace(/-\d+(\.\d+)*$/, '');
}

const X = 0o111;
// Scripts named like a tool but not a tool (cron jobs, reportbug hooks, docs) live here.
const NOT_PROGRAMS = /^(etc|usr\/share)\//;
const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Whether a base name is one of `names` as is or after normalization. */
export function isNamed(base: string, names: ReadonlySet<string>): boolean {
  return names.has(base) || names.has(toolName(base));
}

/** Executables (files with an x bit, or symlinks to one) whose normalized name is in `names`; /etc and /usr/share are skipped. */
export function executablesNamed(fs: ImageFs, names: readonly string[]): { entry: FsEntry; name: string; via?: string }[] {
  const set = new Set(names);
  const out: { entry: FsEntry; name: string; via?: string }[] = [];
  for (const e of fs.entries) {
    if (NOT_PROGRAMS.test(e.path) || !isNamed(baseName(e.path), set)) continue;
    const name = set.has(baseName(e.path)) ? baseName(e.path) : toolName(baseName(e.path));
    if ((e.type === 'file' || e.type === 'hardlink') && (e.mode & X) !== 0) out.push({ entry: e, name });
    else if (e.type === 'symlink') {
      const r = fs.resolve(e.path);
      if (r.entry && (r.entry.type === 'file' || r.entry.type === 'hardlink') && (r.entry.mode & X) !== 0) out.push({ entry: e, name, via: r.path });
    }
  }
  return out;
}

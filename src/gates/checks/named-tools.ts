// no-package-manager, no-compiler, no-debugger: executables found by (normalized) name, plus tell-tale directories.
import type { Check, Finding } from '../types.js';
import type { ImageFs } from '../fs-types.js';
import { COMPILERS, DEBUGGERS, executablesNamed, PACKAGE_MANAGERS } from './tool-names.js';

function byName(id: string, what: string, names: readonly string[], dirs: RegExp | undefined, fs: ImageFs): Finding[] {
  const out: Finding[] = [];
  for (const { entry, name, via } of executablesNamed(fs, names)) {
    out.push({ id, severity: 'error', path: entry.path, layer: entry.layer, message: `${what} '${name}' at /${entry.path}${via ? ` (-> /${via})` : ''}` });
  }
  if (dirs) {
    for (const e of fs.entries) {
      if (e.type === 'dir' && dirs.test(e.path)) out.push({ id, severity: 'error', path: e.path, layer: e.layer, message: `${what} installed at /${e.path}` });
    }
  }
  return out;
}

/** Flags distribution and language package managers (apt, dpkg, pip, npm, gem, apk, …). */
export const noPackageManager: Check = {
  id: 'no-package-manager',
  severity: 'error',
  profiles: ['prod'],
  description: 'no package manager executable (apt, dpkg, rpm, apk, pip, npm, yarn, gem, cargo, …) nor pip/npm module directories',
  run: (fs) => byName('no-package-manager', 'package manager', PACKAGE_MANAGERS, /(^|\/)(site|dist)-packages\/pip$|(^|\/)node_modules\/(npm|yarn|pnpm|corepack)$/, fs),
};

/** Flags compilers, assemblers, linkers and build tools. */
export const noCompiler: Check = {
  id: 'no-compiler',
  severity: 'error',
  profiles: ['prod'],
  description: 'no compiler, assembler, linker or build tool (gcc, cc, clang, as, ld, make, cmake, go, rustc, javac, …), also with triplet prefixes or version suffixes',
  run: (fs) => byName('no-compiler', 'build tool', COMPILERS, undefined, fs),
};

/** Flags debuggers, tracers and profilers. */
export const noDebugger: Check = {
  id: 'no-debugger',
  severity: 'error',
  profiles: ['prod'],
  description: 'no debugger, tracer or profiler (gdb, lldb, strace, ltrace, perf, valgrind, bpftrace, …)',
  run: (fs) => byName('no-debugger', 'debugger', DEBUGGERS, undefined, fs),
};

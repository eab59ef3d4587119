// no-source-leftovers: VCS metadata, source trees, build directories and object files in a prod image.
import type { Check, Finding } from '../types.js';

const VCS = new Set(['.git', '.svn', '.hg', '.bzr', 'CVS', '_darcs']);
const SOURCE_EXT = /\.(c|h|cc|cpp|cxx|c\+\+|hh|hpp|hxx|go|rs|ts|tsx|java|kt|scala|cs|swift|m|mm|f90|zig)$/;
const OBJECT_EXT = /\.(o|obj|a|lo|la|gch|pch)$/;
const BUILD_FILES = new Set(['CMakeCache.txt', 'Makefile', 'CMakeLists.txt', 'configure.ac', 'Cargo.toml', 'go.mod', 'build.ninja', 'meson.build', 'tsconfig.json']);
const BUILD_DIRS = new Set(['CMakeFiles', '.deps', '.libs']);
const IGNORED = /^usr\/share\/(doc|gtk-doc|man|info|lintian)\//;

// A dependency's own files (under node_modules/): the Node pack prunes what no runtime needs, so what is left there is
// the dependency's business, reported as a warning; the project's own files stay errors.
const DEPENDENCY = /(^|\/)node_modules\//;

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/**
 * Flags VCS dirs, source files (.c, .h, .go, .rs, .ts without .d.ts, …), object files and build files, grouped per
 * directory: errors in the project's own files, warnings inside node_modules (what the dependency pruning left).
 */
export const noSourceLeftovers: Check = {
  id: 'no-source-leftovers',
  severity: 'error',
  profiles: ['prod'],
  description: 'no VCS metadata (.git, .svn, .hg), source files (.c, .h, .cc, .go, .rs, .ts, .java, …), object files (.o, .a) or build files '
    + '(Makefile, CMakeCache.txt, CMakeFiles/) unless the variant allows source; docs under /usr/share/doc are ignored; '
    + 'inside node_modules (a dependency\'s own files) only warnings',
  applies: (ctx) => ctx.config.allowSource !== true,
  run(fs) {
    const out: Finding[] = [];
    const groups = new Map<string, { layer: number; kinds: Set<string>; count: number }>();
    const vcsRoots: string[] = [];
    for (const e of fs.entries) {
      if (IGNORED.test(e.path)) continue;
      const b = base(e.path);
      if (VCS.has(b) && (e.type === 'dir' || b === '.git')) {
        if (!vcsRoots.some((r) => e.path.startsWith(r + '/'))) {
          vcsRoots.push(e.path);
          const severity = DEPENDENCY.test(e.path) ? 'warning' : 'error';
          out.push({ id: 'no-source-leftovers', severity, path: e.path, layer: e.layer, message: `version-control metadata /${e.path}` });
        }
        continue;
      }
      if (vcsRoots.some((r) => e.path.startsWith(r + '/'))) continue;
      let kind: string | undefined;
      if (e.type === 'dir' && BUILD_DIRS.has(b)) kind = `${b}/`;
      else if (e.type === 'file' || e.type === 'hardlink') {
        const ext = /\.[^.]+$/.exec(b)?.[0];
        if (SOURCE_EXT.test(b) && !b.endsWith('.d.ts')) kind = `*${ext}`;
        else if (OBJECT_EXT.test(b)) kind = `*${ext}`;
        else if (BUILD_FILES.has(b)) kind = b;
      }
      if (!kind) continue;
      const d = dirOf(e.path);
      const g = groups.get(d) ?? { layer: e.layer, kinds: new Set(), count: 0 };
      g.kinds.add(kind);
      g.count++;
      groups.set(d, g);
    }
    for (const [d, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const severity = DEPENDENCY.test(`${d}/`) ? 'warning' : 'error';
      const kinds = [...g.kinds].sort().join(', ');
      out.push({ id: 'no-source-leftovers', severity, path: d, layer: g.layer, message: `${g.count} source/build file(s) (${kinds}) in /${d}` });
    }
    return out;
  },
};

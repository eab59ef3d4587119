// reproducible-metadata and entrypoint-exists-and-executable: config and timestamps that make an image trustworthy.
import { parseElf } from '../elf.js';
import type { FsEntry, ImageFs } from '../fs-types.js';
import type { Check, Finding } from '../types.js';

const iso = (epoch: number) => new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Every entry's mtime equals the epoch and `created` equals it (epoch from config, else from `created`). */
export const reproducibleMetadata: Check = {
  id: 'reproducible-metadata',
  severity: 'error',
  profiles: ['any'],
  description: 'every mtime in every layer equals the build epoch and config `created` equals it; without a known epoch, `created` is used and findings are warnings',
  run(fs, ctx) {
    const known = ctx.config.epoch !== undefined;
    const createdMs = fs.config.created ? Date.parse(fs.config.created) : NaN;
    const epoch = ctx.config.epoch ?? (Number.isFinite(createdMs) ? Math.floor(createdMs / 1000) : undefined);
    const severity = known ? 'error' : 'warning';
    if (epoch === undefined) return [{ id: 'reproducible-metadata', severity: 'warning', message: 'no epoch known and the config has no valid `created`; timestamps not checked' }];
    const out: Finding[] = [];
    if (known && fs.config.created !== iso(epoch)) {
      out.push({ id: 'reproducible-metadata', severity, message: `config created is ${fs.config.created ?? '(missing)'}, expected ${iso(epoch)} (epoch ${epoch})` });
    }
    const byLayer = new Map<number, { count: number; first: FsEntry }>();
    for (const e of [...fs.entries, ...fs.shadowed]) {
      if (e.mtime === undefined || e.mtime === epoch) continue;
      const g = byLayer.get(e.layer);
      if (g) { g.count++; if (e.path < g.first.path) g.first = e; } else byLayer.set(e.layer, { count: 1, first: e });
    }
    for (const [layer, g] of [...byLayer].sort(([a], [b]) => a - b)) {
      out.push({ id: 'reproducible-metadata', severity, path: g.first.path, layer, message: `${g.count} entr${g.count === 1 ? 'y' : 'ies'} in layer ${layer} have an mtime other than ${epoch} (e.g. /${g.first.path}: ${g.first.mtime})` });
    }
    return out;
  },
};

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Finds the program the runtime would execute: Entrypoint[0] or Cmd[0], via PATH for bare names. */
export function findProgram(fs: ImageFs): { argv0?: string; candidates: string[] } {
  const argv0 = fs.config.entrypoint?.[0] ?? fs.config.cmd?.[0];
  if (!argv0) return { candidates: [] };
  if (argv0.startsWith('/')) return { argv0, candidates: [argv0] };
  if (argv0.includes('/')) return { argv0, candidates: [`${fs.config.workingDir ?? '/'}/${argv0}`] };
  const path = fs.config.env.find((v) => v.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  return { argv0, candidates: path.split(':').filter(Boolean).map((d) => `${d}/${argv0}`) };
}

// Whether the config user may execute the file.
function executableBy(e: FsEntry, user: string | undefined): boolean {
  const m = /^(\d+)(?::(\d+))?$/.exec(user ?? '0');
  if (!m) return (e.mode & 0o111) !== 0;
  const uid = Number(m[1]);
  if (uid === 0) return (e.mode & 0o111) !== 0;
  if (e.uid === uid) return (e.mode & 0o100) !== 0;
  if (m[2] !== undefined && e.gid === Number(m[2])) return (e.mode & 0o010) !== 0;
  return (e.mode & 0o001) !== 0;
}

const f = (message: string, e?: FsEntry): Finding => ({ id: 'entrypoint-exists-and-executable', severity: 'error', message, ...(e ? { path: e.path, layer: e.layer } : {}) });

/** The entrypoint (or cmd) exists, is a regular file the config user may execute, and its interpreter exists. */
export const entrypointExecutable: Check = {
  id: 'entrypoint-exists-and-executable',
  severity: 'error',
  profiles: ['any'],
  description: 'Entrypoint[0] (or Cmd[0]) resolves (symlinks, PATH) to a regular file the config User may execute; its #! interpreter or ELF PT_INTERP exists in the image',
  scanner(fs) {
    const target = locate(fs);
    let head: Uint8Array | undefined;
    return {
      wants: (e) => (target.entry && e === target.entry ? 64 * 1024 : 0),
      inspect(_e, bytes) { head = bytes; return []; },
      finish: () => (target.entry && head ? interpreterFindings(fs, target.shown, target.entry, head) : []),
    };
  },
  run(fs) {
    const t = locate(fs);
    return t.finding ? [t.finding] : [];
  },
};

// Finds the entrypoint file, or the finding that explains why there is none.
function locate(fs: ImageFs): { entry?: FsEntry; shown: string; finding?: Finding } {
  const { argv0, candidates } = findProgram(fs);
  if (!argv0) return { shown: '', finding: f('the config has neither Entrypoint nor Cmd') };
  for (const c of candidates) {
    const r = fs.resolve(c);
    if (r.error === 'loop') return { shown: c, finding: f(`entrypoint ${c} is a symlink loop`) };
    if (!r.entry) continue;
    const e = r.entry;
    if (e.type !== 'file' && e.type !== 'hardlink') return { shown: c, finding: f(`entrypoint ${c} is a ${e.type}, not a file`, e) };
    if (!executableBy(e, fs.config.user)) return { shown: c, finding: f(`entrypoint ${c} (mode ${e.mode.toString(8)}, owner ${e.uid}) is not executable by user ${fs.config.user ?? '0'}`, e) };
    return { entry: e, shown: c };
  }
  return { shown: argv0, finding: f(`entrypoint ${argv0} does not exist in the image${candidates.length > 1 ? ` (searched ${candidates.join(', ')})` : ''}`) };
}

// A #! script needs its interpreter, a dynamic ELF its loader (PT_INTERP), inside the image.
function interpreterFindings(fs: ImageFs, c: string, e: FsEntry, head: Uint8Array): Finding[] {
  let interp: string | undefined;
  if (head[0] === 0x23 && head[1] === 0x21) interp = new TextDecoder('latin1').decode(head.subarray(2, 256)).split('\n')[0]!.trim().split(/\s+/)[0];
  else interp = parseElf(head)?.interpreter;
  if (!interp) return [];
  const r = fs.resolve(interp);
  if (!r.entry || (r.entry.type !== 'file' && r.entry.type !== 'hardlink')) return [f(`entrypoint ${c} needs ${interp}, which is not in the image`, e)];
  return [];
}

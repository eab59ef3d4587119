// `airlock why`: the chain that put a path into a variant, read from a build's why record (pure).
import type { Origin, PackageReason, WhyRecord, WhyVariant } from './record.js';

/** One link of a chain, from the file up to the reason that started it. */
export type WhyStep =
  | { kind: 'file'; path: string; size: number; origin: Origin }
  | { kind: 'artifact'; path: string; from: string }
  | { kind: 'needed'; path: string; library: string; by: string }
  | { kind: 'package'; name: string; reason: PackageReason; set: 'prod' | 'builder' }
  | { kind: 'cycle'; name: string }
  | { kind: 'rule'; rule: string }
  | { kind: 'made'; package: string; how: string };

export interface WhyAnswer {
  path: string;
  variant: WhyVariant;
  found: boolean;
  chain: WhyStep[];
  /** A directory: how many files it holds, by origin. */
  directory?: { files: number; bytes: number; origins: Record<string, number> };
  /** Not found in the variant asked for: the chain in dev, when dev has it. */
  inDev?: WhyStep[];
  /** Not in prod because slicing left it out of a prod package: why, and why that package is in prod. */
  sliced?: { package: string; reason: string; chain: WhyStep[] };
}

const MERGED = /^(bin|sbin|lib|lib32|lib64|libx32)(\/|$)/;

/** The key a path has in the record: no leading or trailing '/', merged-usr ("/lib/x" → "usr/lib/x"). */
export function recordPath(files: Record<string, unknown>, path: string): string {
  const p = path.replace(/^\/+/, '').replace(/\/+$/, '');
  return p in files || !MERGED.test(p) ? p : `usr/${p}`;
}

/** The NEEDED chain that brought `path` in: each library up to the artifact that needs it first. */
function neededChain(r: WhyRecord, path: string, seen: Set<string>): WhyStep[] {
  const link = r.needed.find((n) => n.file === path || n.foundAt === path);
  if (!link || seen.has(link.by)) return [];
  seen.add(link.by);
  const step: WhyStep = { kind: 'needed', path, library: link.library, by: link.by };
  const artifact = r.artifacts.find((a) => a.path === link.by);
  if (artifact) return [step, { kind: 'artifact', path: artifact.path, from: artifact.from }];
  return [step, ...neededChain(r, link.by, seen)];
}

/** Why a package is in a set, up to a request, a closure need or the base. */
function packageChain(r: WhyRecord, name: string, set: 'prod' | 'builder', seen = new Set<string>()): WhyStep[] {
  const reason = r.packages[set][name];
  if (!reason) return [];
  if (seen.has(name)) return [{ kind: 'cycle', name }];
  seen.add(name);
  const step: WhyStep = { kind: 'package', name, reason, set };
  if (reason.kind === 'dependency') return [step, ...packageChain(r, reason.of, set, seen)];
  if (reason.kind === 'closure') {
    const artifact = r.artifacts.find((a) => a.path === reason.by);
    const up = artifact
      ? [{ kind: 'artifact' as const, path: artifact.path, from: artifact.from }]
      : neededChain(r, reason.by, new Set());
    return [step, ...up];
  }
  return [step];
}

function chainOf(r: WhyRecord, variant: WhyVariant, path: string): WhyStep[] {
  const [size, origin] = r.files[variant][path]!;
  const file: WhyStep = { kind: 'file', path, size, origin };
  if (origin === 'artifact') {
    const a = r.artifacts.find((x) => x.path === path)!;
    return [file, { kind: 'artifact', path, from: a.from }];
  }
  const made = variant === 'prod' ? r.made?.[path] : undefined;
  if (made) return [file, { kind: 'made', package: made.package, how: made.how }, ...packageChain(r, made.package, 'prod')];
  if (!origin.startsWith('pkg:')) return [file];
  const pkg = origin.slice(4);
  const set = variant === 'prod' && !r.prodHasBuildTools ? 'prod' : 'builder';
  const needed = variant === 'prod' ? neededChain(r, path, new Set()) : [];
  // A library the closure found: the NEEDED chain says more than the package's own reason.
  if (needed.length) return [file, ...needed];
  const rule = variant === 'prod' ? r.slicing?.kept[path] : undefined;
  return [file, ...(rule === undefined ? [] : [{ kind: 'rule' as const, rule: r.slicing!.reasons[rule]! }]), ...packageChain(r, pkg, set)];
}

function directory(files: Record<string, [number, Origin]>, path: string): WhyAnswer['directory'] {
  const prefix = path === '' ? '' : `${path}/`;
  const inside = Object.keys(files).filter((p) => p.startsWith(prefix));
  if (inside.length === 0) return undefined;
  const origins: Record<string, number> = {};
  let bytes = 0;
  for (const p of inside) {
    const [size, origin] = files[p]!;
    bytes += size;
    origins[origin] = (origins[origin] ?? 0) + 1;
  }
  return { files: inside.length, bytes, origins };
}

/** Why `path` is in `variant` (or that it is not, and whether dev holds it). */
export function explain(r: WhyRecord, path: string, variant: WhyVariant): WhyAnswer {
  const files = r.files[variant];
  const key = recordPath(files, path);
  if (key in files) return { path: key, variant, found: true, chain: chainOf(r, variant, key) };
  const dir = directory(files, key);
  if (dir) return { path: key, variant, found: true, chain: [], directory: dir };
  const answer: WhyAnswer = { path: key, variant, found: false, chain: [] };
  const cut = variant === 'prod' ? r.slicing?.removed[key] : undefined;
  if (cut) answer.sliced = { package: cut[0], reason: r.slicing!.reasons[cut[1]]!, chain: packageChain(r, cut[0], 'prod') };
  const devKey = recordPath(r.files.dev, path);
  if (variant !== 'dev' && devKey in r.files.dev) answer.inDev = chainOf(r, 'dev', devKey);
  return answer;
}

// Builds the why record from what a build knows (pure): each visible file's origin, and why each package is there.
import type { FileEntry } from '../image/entry.js';
import type { NeededLink, Origin, PackageReason, WhyRecord, WhySlicing, WhyVariant } from './record.js';

/** The parts of a locked package the reasons need. */
export interface PackageNode {
  name: string;
  depends: string[];
}

export interface TraceInput {
  name: string;
  tag: string;
  /** Each variant's layers, in order (a later layer's entry hides an earlier one's). */
  layers: Record<WhyVariant, FileEntry[][]>;
  /** The Debian package that installed a path (relative, as the image holds it), from the builder root. */
  owner(path: string): string | undefined;
  prodPackages: PackageNode[];
  builderPackages: PackageNode[];
  /** Runtime requests (config `packages` and the pack's runtime), and builder requests (toolchain, dev, debug). */
  runtimeRequests: string[];
  builderRequests: string[];
  needed: NeededLink[];
  artifacts: WhyRecord['artifacts'];
  /** Paths of the install root (dev and test hold all of it), of the npm-registry toolchain, and made by airlock. */
  installed: ReadonlySet<string>;
  toolchain: ReadonlySet<string>;
  made: Record<WhyVariant, ReadonlySet<string>>;
  /** Variants that hold the source at /src. */
  source: Record<WhyVariant, boolean>;
  prodHasBuildTools: boolean;
  /** prod's files airlock made in place of a package's (they count as `airlock`) → that package and how. */
  replaced?: Record<string, { package: string; how: string }>;
  /** Slicing: paths a rule kept → the rule, and paths left out → their package and why. */
  slicing?: { keptBy: ReadonlyMap<string, string>; leftOut: ReadonlyMap<string, { package: string; reason: string }> };
}

const VARIANTS: WhyVariant[] = ['dev', 'prod', 'test'];
const nameOf = (request: string) => request.split('=')[0]!;

/** Visible non-directory entries of stacked layers: path → entry (a whiteout-free stack: later layers win). */
export function visibleFiles(layers: FileEntry[][]): Map<string, FileEntry> {
  const seen = new Map<string, FileEntry>();
  for (const l of layers) for (const e of l) seen.set(e.path, e);
  for (const [p, e] of seen) if (e.type === 'dir') seen.delete(p);
  return seen;
}

/** Why each package of `set` is there: a request, an ELF-closure need, a dependency (breadth first), or the base. */
export function packageReasons(
  set: PackageNode[],
  requests: string[],
  closure: NeededLink[] = [],
): Record<string, PackageReason> {
  const byName = new Map(set.map((p) => [p.name, p]));
  const out: Record<string, PackageReason> = {};
  const queue: string[] = [];
  const root = (name: string, reason: PackageReason) => {
    if (!byName.has(name) || out[name]) return;
    out[name] = reason;
    queue.push(name);
  };
  for (const r of requests) root(nameOf(r), { kind: 'request', request: r });
  for (const l of closure) if (l.package) root(l.package, { kind: 'closure', library: l.library, by: l.by });
  while (queue.length) {
    const n = queue.shift()!;
    for (const d of byName.get(n)!.depends) root(d, { kind: 'dependency', of: n });
  }
  for (const p of set) out[p.name] ??= { kind: 'base' };
  return out;
}

/** A path under /src, where the variants that hold the source have it. */
const underSrc = (path: string) => path === 'src' || path.startsWith('src/');

function classify(input: Omit<TraceInput, 'layers' | 'slicing'>, variant: WhyVariant, path: string, sets: Record<WhyVariant, Set<string>>): Origin {
  const src = underSrc(path);
  if (variant === 'prod' && input.artifacts.some((a) => a.path === path)) return 'artifact';
  if (variant !== 'prod' && input.installed.has(path)) return 'installed';
  if (input.toolchain.has(path)) return 'toolchain';
  if (input.source[variant] && src) return 'source';
  if (input.made[variant].has(path) || (variant === 'prod' && input.replaced?.[path])) return 'airlock';
  const pkg = input.owner(path);
  if (pkg && sets[variant].has(pkg)) return `pkg:${pkg}`;
  return variant === 'prod' && !input.prodHasBuildTools ? 'airlock' : 'builder';
}

/** The slicing part of the record: each reason once, paths sorted. */
function slicingRecord(s: NonNullable<TraceInput['slicing']>): WhySlicing {
  const reasons: string[] = [];
  const index = new Map<string, number>();
  const at = (r: string) => {
    if (!index.has(r)) { index.set(r, reasons.length); reasons.push(r); }
    return index.get(r)!;
  };
  const kept: WhySlicing['kept'] = {};
  for (const p of [...s.keptBy.keys()].sort()) kept[p] = at(s.keptBy.get(p)!);
  const removed: WhySlicing['removed'] = {};
  for (const p of [...s.leftOut.keys()].sort()) removed[p] = [s.leftOut.get(p)!.package, at(s.leftOut.get(p)!.reason)];
  return { reasons, kept, removed };
}

/**
 * Every visible file of one variant → [size, origin], sorted by path: a part of the record a build works out as soon
 * as that variant is assembled (prod's and dev's while the tests run), then hands to `traceBuild`.
 */
export function traceFiles(
  input: Omit<TraceInput, 'layers' | 'slicing'>, v: WhyVariant, layers: FileEntry[][],
  like?: { variant: WhyVariant; files: Record<string, [number, Origin]> },
): Record<string, [number, Origin]> {
  const builder = new Set(input.builderPackages.map((p) => p.name));
  const prod = input.prodHasBuildTools ? builder : new Set(input.prodPackages.map((p) => p.name));
  const sets: Record<WhyVariant, Set<string>> = { dev: builder, test: builder, prod };
  const map: Record<string, [number, Origin]> = {};
  const visible = visibleFiles(layers);
  const same = like ? sameOrigin(input, v, like.variant, visibleOf.get(like.files)) : undefined;
  for (const p of [...visible.keys()].sort()) {
    const e = visible.get(p)!;
    map[p] = same?.(p, e) ? like!.files[p]! : [e.size, classify(input, v, p, sets)];
  }
  visibleOf.set(map, visible);
  return map;
}

/** The visible entries a files map was traced from (a later variant's trace compares its own with them). */
const visibleOf = new WeakMap<object, Map<string, FileEntry>>();

/**
 * When a file of variant `v` has the origin (and size) `other` gave it: the same entry (one builder layer under dev
 * and test), neither variant prod, and nothing that tells the two apart at that path (airlock made it in one of
 * them; it is source that only one of them holds as source).
 */
function sameOrigin(
  input: Omit<TraceInput, 'layers' | 'slicing'>, v: WhyVariant, other: WhyVariant, theirs: Map<string, FileEntry> | undefined,
): ((path: string, e: FileEntry) => boolean) | undefined {
  if (!theirs || v === 'prod' || other === 'prod') return undefined;
  const sourceDiffers = input.source[v] !== input.source[other];
  return (p, e) => theirs.get(p) === e && !input.made[v].has(p) && !input.made[other].has(p)
    && !(sourceDiffers && underSrc(p));
}

/** The why record of a build; `done` holds the variants whose files `traceFiles` already worked out from these layers. */
export function traceBuild(input: TraceInput, done: Partial<WhyRecord['files']> = {}): WhyRecord {
  const files = {} as WhyRecord['files'];
  // test after dev: the files they share (the builder layer) keep dev's origins.
  for (const v of VARIANTS) files[v] = done[v] ?? traceFiles(input, v, input.layers[v], v === 'test' ? { variant: 'dev', files: files.dev } : undefined);
  return {
    format: 1,
    name: input.name,
    tag: input.tag,
    prodHasBuildTools: input.prodHasBuildTools,
    artifacts: input.artifacts,
    needed: input.needed,
    packages: {
      prod: packageReasons(input.prodPackages, input.runtimeRequests, input.needed),
      builder: packageReasons(input.builderPackages, input.builderRequests),
    },
    files,
    ...(input.slicing ? { slicing: slicingRecord(input.slicing) } : {}),
    ...(input.replaced && Object.keys(input.replaced).length ? { made: input.replaced } : {}),
  };
}

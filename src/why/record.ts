// why.json: the trace a build records of why each file is in each variant (what `airlock why` reads, offline).

export type WhyVariant = 'dev' | 'prod' | 'test';

/**
 * Where a file of an image comes from: `pkg:NAME` (a file of that Debian package), `artifact` (a declared artifact,
 * prod), `installed` (the build's install root, dev and test), `source` (the build context at /src), `toolchain`
 * (the npm-registry toolchain), `airlock` (made by airlock: users, dpkg status, os-release, CA bundle) or `builder`
 * (made while the builder root was installed, owned by no package: maintainer-script output, the dpkg database).
 */
export type Origin = `pkg:${string}` | 'artifact' | 'installed' | 'source' | 'toolchain' | 'airlock' | 'builder';

/** Why a package is in a set. */
export type PackageReason =
  | { kind: 'request'; request: string }
  | { kind: 'closure'; library: string; by: string }
  | { kind: 'dependency'; of: string }
  | { kind: 'base' };

/** One DT_NEEDED (or PT_INTERP) edge of the artifacts' ELF closure; paths are image paths without the leading '/'. */
export interface NeededLink {
  /** The file that names the library (an artifact, or a library on the way). */
  by: string;
  library: string;
  /** Where the loader finds it, and the file that path resolves to. */
  foundAt: string;
  file: string;
  package?: string;
}

/** Hardening facts of one ELF artifact as prod holds it. */
export interface ArtifactHardening {
  pie: boolean;
  relro: 'none' | 'partial' | 'full';
  bindNow: boolean;
  nxStack: boolean;
  stackProtector: 'yes' | 'no' | 'unproven' | 'not needed';
  fortify: 'yes' | 'no' | 'not needed';
  cet: boolean;
  stripped: boolean;
  /** What the elf-hardening gate says is missing (empty: nothing). */
  missing: string[];
}

/** What slicing did to prod's runtime packages (variants.prod.slicing: auto). */
export interface WhySlicing {
  /** The reasons, each once; the maps index into it. */
  reasons: string[];
  /** Paths a slicing rule kept → its reason. */
  kept: Record<string, number>;
  /** Paths of prod's packages slicing left out → [package, reason]. */
  removed: Record<string, [string, number]>;
}

export interface WhyRecord {
  format: 1;
  name: string;
  tag: string;
  /** Per variant: every path that is not a directory → [size in bytes, origin]. Sorted by path. */
  files: Record<WhyVariant, Record<string, [number, Origin]>>;
  /** Why each package of prod's set and of the builder set (dev and test) is there. */
  packages: { prod: Record<string, PackageReason>; builder: Record<string, PackageReason> };
  needed: NeededLink[];
  /** prod's artifacts: where each came from (the install root or the source) and, for ELF files, their hardening. */
  artifacts: { path: string; from: string; hardening?: ArtifactHardening }[];
  /** prod holds the whole builder (variants.prod.include_build_tools). */
  prodHasBuildTools: boolean;
  slicing?: WhySlicing;
  /** prod's files airlock made in place of a package's (variants.prod.icu) → that package and how. */
  made?: Record<string, { package: string; how: string }>;
}

const j = (v: unknown) => JSON.stringify(v);
/** A map as one `"key": value` line per key, sorted, at the given depth. */
const lines = (m: Record<string, unknown>, indent = '      ') => {
  const keys = Object.keys(m).sort();
  return keys.length ? `{\n${keys.map((k) => `${indent}${j(k)}: ${j(m[k])}`).join(',\n')}\n${indent.slice(2)}}` : '{}';
};

/**
 * `lines` for a files map (tens of thousands of lines): the same text, with each origin encoded once and the keys
 * sorted only when they are not already (trace maps are made in path order; index-like keys still come first).
 */
export function filesLines(m: Record<string, [number, Origin]>, indent = '      '): string {
  const keys = Object.keys(m);
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) { keys.sort(); break; }
  if (!keys.length) return '{}';
  const origins = new Map<string, string>();
  const out = new Array<string>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const [size, origin] = m[k]!;
    let o = origins.get(origin);
    if (o === undefined) { o = j(origin); origins.set(origin, o); }
    out[i] = `${indent}${j(k)}: [${Number.isSafeInteger(size) ? size : j(size)},${o}]`;
  }
  return `{\n${out.join(',\n')}\n${indent.slice(2)}}`;
}

/** Each variant's files map as why.json writes it, by the map (a build renders prod's and dev's early; maps are never changed). */
const renderedFiles = new WeakMap<object, string>();
const encodedFiles = new WeakMap<object, Buffer>();
function filesText(m: Record<string, [number, Origin]>): string {
  let t = renderedFiles.get(m);
  if (t === undefined) { t = filesLines(m); renderedFiles.set(m, t); }
  return t;
}
function filesBytes(m: Record<string, [number, Origin]>): Buffer {
  let b = encodedFiles.get(m);
  if (b === undefined) { b = Buffer.from(filesText(m)); encodedFiles.set(m, b); }
  return b;
}

/** Renders (and encodes) a variant's files map ahead of `whyJsonBytes` (while the build waits on its tests). */
export function renderWhyFiles(m: Record<string, [number, Origin]>): void {
  filesBytes(m);
}

/** why.json in parts: the text around the files maps, and each variant's files map as `files` gives it. */
function whyParts<T>(r: WhyRecord, files: (m: Record<string, [number, Origin]>) => T): (string | T)[] {
  const parts: (string | T)[] = [[
    '{',
    `  "format": ${r.format},`,
    `  "name": ${j(r.name)},`,
    `  "tag": ${j(r.tag)},`,
    `  "prodHasBuildTools": ${j(r.prodHasBuildTools)},`,
    `  "artifacts": [${r.artifacts.map((a) => `\n    ${j(a)}`).join(',')}${r.artifacts.length ? '\n  ' : ''}],`,
    `  "needed": [${r.needed.map((n) => `\n    ${j(n)}`).join(',')}${r.needed.length ? '\n  ' : ''}],`,
    `  "packages": {\n    "prod": ${lines(r.packages.prod)},\n    "builder": ${lines(r.packages.builder)}\n  },`,
    '  "files": {\n',
  ].join('\n')];
  (['dev', 'prod', 'test'] as const).forEach((v, i) => parts.push(`${i ? ',\n' : ''}    ${j(v)}: `, files(r.files[v])));
  parts.push([
    '\n  }',
    ...(r.slicing
      ? [
          `  "slicing": {\n    "reasons": [${r.slicing.reasons.map((x) => `\n      ${j(x)}`).join(',')}\n    ],\n`
            + `    "kept": ${lines(r.slicing.kept)},\n    "removed": ${lines(r.slicing.removed)}\n  }`,
        ]
      : []),
    ...(r.made ? [`  "made": ${lines(r.made, '    ')}`] : []),
  ].join(',\n') + '\n}\n');
  return parts;
}

/** why.json text: one line per file so that the large maps stay readable and diffable; deterministic. */
export function whyJson(r: WhyRecord): string {
  return whyParts(r, filesText).join('');
}

/** why.json as written: `whyJson`'s bytes, the files maps encoded once (prod's and dev's while the tests ran). */
export function whyJsonBytes(r: WhyRecord): Buffer {
  return Buffer.concat(whyParts(r, filesBytes).map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

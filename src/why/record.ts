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
}

/** why.json text: one line per file so that the large maps stay readable and diffable; deterministic. */
export function whyJson(r: WhyRecord): string {
  const j = (v: unknown) => JSON.stringify(v);
  const fileMap = (m: Record<string, [number, Origin]>) => {
    const lines = Object.keys(m)
      .sort()
      .map((p) => `      ${j(p)}: ${j(m[p])}`);
    return lines.length ? `{\n${lines.join(',\n')}\n    }` : '{}';
  };
  const variants = (['dev', 'prod', 'test'] as const).map((v) => `    ${j(v)}: ${fileMap(r.files[v])}`);
  const reasons = (m: Record<string, PackageReason>) => {
    const lines = Object.keys(m)
      .sort()
      .map((p) => `      ${j(p)}: ${j(m[p])}`);
    return lines.length ? `{\n${lines.join(',\n')}\n    }` : '{}';
  };
  return [
    '{',
    `  "format": ${r.format},`,
    `  "name": ${j(r.name)},`,
    `  "tag": ${j(r.tag)},`,
    `  "prodHasBuildTools": ${j(r.prodHasBuildTools)},`,
    `  "artifacts": [${r.artifacts.map((a) => `\n    ${j(a)}`).join(',')}${r.artifacts.length ? '\n  ' : ''}],`,
    `  "needed": [${r.needed.map((n) => `\n    ${j(n)}`).join(',')}${r.needed.length ? '\n  ' : ''}],`,
    `  "packages": {\n    "prod": ${reasons(r.packages.prod)},\n    "builder": ${reasons(r.packages.builder)}\n  },`,
    `  "files": {\n${variants.join(',\n')}\n  }`,
    '}',
    '',
  ].join('\n');
}

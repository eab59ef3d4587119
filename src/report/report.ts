// The build report (report.json): what each variant contains, its digest and sizes, and the dev→prod reduction.

export type VariantName = 'dev' | 'prod' | 'test';

export interface GateSummary {
  passed: boolean;
  skipped?: boolean;
  findings: { id: string; severity: string; path?: string; layer?: number; message: string }[];
}

export interface VariantReport {
  ref: string;
  digest: string;
  compressedSize: number;
  uncompressedSize: number;
  files: number;
  user: string;
  packages: number;
  shells: string[];
  compilers: string[];
  packageManagers: string[];
  buildSeconds: number;
  gates?: GateSummary;
}

/** What the build's test steps did. */
export interface TestsOutcome {
  status: 'ran' | 'no tests found' | 'no test steps';
  note?: string;
  /** The test steps ran and passed (a failing one fails the build). */
  passed?: boolean;
  /** Tests counted from the runners' summaries, when they print them (summed over the test steps). */
  counts?: { passed: number; failed: number; skipped: number };
  /** build.coverage: the measured total, the minimum asked for and the tool. */
  coverage?: { percent: number; min: number; tool: string };
}

/** What slicing left out of prod's runtime packages (`variants.prod.slicing: auto`). */
export interface SlicingReport {
  removedFiles: number;
  removedBytes: number;
  /** The run-time loading rules that fired, and how many paths each added. */
  rules: { rule: string; paths: number }[];
  /** Every runtime package: declared ones are whole; the others keep what is needed. */
  packages: { name: string; whole: boolean; keptFiles: number; keptBytes: number; removedFiles: number; removedBytes: number }[];
}

/** A file airlock made in place of a runtime package's (`variants.prod.icu`: ICU's data, trimmed). */
export interface IcuReport {
  path: string;
  /** The package whose file it replaces (its md5sums no longer name the path). */
  package: string;
  languages: string[] | 'all';
  converters: boolean;
  original: { size: number; sha256: string };
  made: { size: number; sha256: string };
  keptItems: number;
  removedItems: number;
  /** Items removed, by kind: locale data, dictionaries, converters. */
  removed: Record<string, number>;
}

export interface BuildReport {
  name: string;
  tag: string;
  epoch: { seconds: number; from: string };
  variants: Record<VariantName, VariantReport>;
  aliases: Record<string, string>;
  /** 1 − prod/dev compressed size. */
  reduction: number;
  artifacts: { path: string; sha256: string; size: number }[];
  /** Packages prod got from the ELF closure of the artifacts. */
  closurePackages: string[];
  /** Toolchain packages taken from the npm registry (Debian lacked the version asked for); absent when all is Debian. */
  upstream?: { role: string; name: string; version: string; integrity: string }[];
  outputs: { oci: string; archives: Record<VariantName, string>; evidence?: string };
  warnings: string[];
  /**
   * Whether the test steps ran tests: 'no tests found' when a default test step found no test target or no defined
   * test (`note` says which), 'no test steps' when there were none to run.
   */
  tests?: TestsOutcome;
  /** Each planned step and whether the step cache replayed it (CACHED) instead of running it. */
  steps?: { id: string; cached: boolean; seconds: number }[];
  /** What slicing left out of prod's runtime packages; absent with `slicing: off`. */
  slicing?: SlicingReport;
  /** Files airlock made in place of a runtime package's (`variants.prod.icu`); absent when none. */
  icu?: IcuReport[];
  /** Files no runtime needs that the language pack pruned from the dependencies (node_modules); absent when none. */
  pruned?: { files: number; bytes: number };
  /**
   * Wall seconds spent in each stage of the build (plan, fetch, rootfs, steps, tests, handoff, assemble, gates,
   * trace, outputs), summed over its parts. `tests` overlaps handoff, assemble and gates when those ran beside it.
   */
  stages?: Record<string, number>;
  /** How a build for another architecture ran its steps (absent: natively). */
  execution?: { mode: 'cross' | 'emulated'; host: string; why: string };
}

/** Serializes the report with a stable key order (the order of the objects above) and a final newline. */
export function reportJson(r: BuildReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** Reduction of prod against dev, rounded to 4 decimals. */
export function reduction(devCompressed: number, prodCompressed: number): number {
  if (devCompressed <= 0) return 0;
  return Math.round((1 - prodCompressed / devCompressed) * 10000) / 10000;
}

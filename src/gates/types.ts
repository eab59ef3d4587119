// Gate types: profiles, findings, the check interface and the options a gate run gets.
import type { FsEntry, ImageFs } from './fs-types.js';

/** error fails the gate; warning is reported only. */
export type Severity = 'error' | 'warning';

/** Which variant a check applies to; 'any' = every image. */
export type Profile = 'prod' | 'dev' | 'test' | 'any';

/** One problem found in an image. Messages never contain secret values. */
export interface Finding {
  id: string;
  severity: Severity;
  path?: string;
  layer?: number;
  message: string;
}

/** Options from the airlock config (or the audit command line) that some checks use. */
export interface GateConfig {
  /** 'maximum' turns on the elf-hardening check. */
  hardening?: string;
  /** The variant may contain source files (no-source-leftovers is skipped). */
  allowSource?: boolean;
  /** Size budget in bytes, or a string like '50MB' / '48MiB'. */
  maxSize?: number | string;
  /** SOURCE_DATE_EPOCH of the build; when absent, reproducible-metadata compares against `created`. */
  epoch?: number;
  /** Paths (no leading '/') of files that came from Debian packages; elf-hardening reports them as warnings. */
  packagedPaths?: ReadonlySet<string>;
  /** Files that must not be in prod (the development app config): digest, size and what they are. */
  devConfig?: readonly { sha256: string; size: number; what: string }[];
  /** Check ids to skip. */
  skip?: readonly string[];
  /** Per-file byte limit for content checks (default 1 MiB for text scans, 256 MiB for ELF). */
  maxScanBytes?: number;
}

/** What every check gets besides the file system. */
export interface GateContext {
  profile: Profile;
  config: GateConfig;
  /** Small well-known files preloaded for checks that declared them in `reads` (text, latin1). */
  files: ReadonlyMap<string, string>;
}

/** Facts about a scanned file: whether its bytes were cut at the limit, whether a later layer hides it. */
export interface ScanMeta { truncated: boolean; hidden: boolean }

/** The content part of one check run. */
export interface Scanner {
  /** Also inspect files hidden by later layers (they still ship in the image). */
  shadowed?: boolean;
  /** Leading bytes of `e` to read (0 = none). */
  wants(e: FsEntry): number;
  /** Looks at one file's leading bytes. */
  inspect(e: FsEntry, bytes: Uint8Array, meta: ScanMeta): Finding[];
  /** Findings after all files were inspected. */
  finish?(): Finding[];
}

/** A named check of a finished image. */
export interface Check {
  id: string;
  /** Default severity of its findings. */
  severity: Severity;
  profiles: Profile[];
  description: string;
  /** Extra condition (e.g. a config switch) besides the profile. */
  applies?(ctx: GateContext): boolean;
  /** Small files (paths without leading '/') to preload into ctx.files. */
  reads?: string[];
  /** Content checks: a per-run scanner that is shown the leading bytes of the files it wants. */
  scanner?(fs: ImageFs, ctx: GateContext): Scanner;
  /**
   * What the scanner's findings for a file depend on besides the file itself (its path, metadata, bytes, layer and
   * whether it is hidden), as JSON. Scan records are shared by every gate run that gives the same value (dev and test
   * share the builder layer's); without it, records are kept per run settings.
   */
  scanSettings?(ctx: GateContext): unknown;
  /** Looks at metadata (runs after the content pass). */
  run(fs: ImageFs, ctx: GateContext): Finding[];
}

/** The outcome of a gate run. */
export interface GateResult {
  passed: boolean;
  findings: Finding[];
  /** Ids of the checks that ran. */
  checks: string[];
}

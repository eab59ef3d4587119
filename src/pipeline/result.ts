// What a build hands to its outputs: the assembled variants and every fact the evidence and the report name.
import type { Config } from '../config/types.js';
import type { Lock, LockedPackage } from '../debian/types.js';
import type { LockedUpstream } from '../upstream/types.js';
import type { AssembledVariant } from '../variants/assemble.js';
import type { GateRun } from './gates.js';
import type { Execution } from './execution.js';
import type { StepOutcome } from './run-steps.js';
import type { TestsOutcome } from '../report/report.js';
import type { SlicingSummary } from './slicing-summary.js';
import type { WhyRecord } from '../why/record.js';
import type { IcuReplacement } from '../variants/icu-replace.js';

export type Variants = Record<'dev' | 'prod' | 'test', AssembledVariant>;

export interface BuildResult {
  config: Config;
  lock: Lock;
  epoch: { seconds: number; from: string };
  variants: Variants;
  timings: Record<'dev' | 'prod' | 'test' | 'prepare', number>;
  /** Each planned step, and whether the step cache replayed it. */
  steps: StepOutcome[];
  /** Whether the test steps ran tests or found none. */
  tests: TestsOutcome;
  /** Wall seconds of each stage, in the order they ran. */
  stages: Record<string, number>;
  prodPackages: LockedPackage[];
  closurePackages: string[];
  artifacts: { path: string; sha256: string; size: number }[];
  /** Digest of the build context (provenance names it). */
  sourceDigest: string;
  rootfsKey: string;
  /** sha256 of the builder rootfs tarball (provenance names it). */
  rootfsDigest: string;
  gates: GateRun;
  warnings: string[];
  /** Where the steps ran (native, cross, emulated). */
  execution: Execution;
  /** A cross build's steps' builder (the host's architecture): its lock and rootfs digest (provenance names them). */
  stepsBuilder?: { lock: Lock; rootfsDigest: string };
  /** What slicing kept of prod's runtime packages, when prod was sliced. */
  slicing?: SlicingSummary;
  /** Files airlock made in place of a runtime package's (`variants.prod.icu`). */
  replaced?: IcuReplacement[];
  /** What a step's pruning of the dependencies removed (the Node pack's note), when it did. */
  pruned?: { files: number; bytes: number };
  /** Toolchain packages from the npm registry (node in prod; node and npm in dev and test), empty when all is Debian. */
  upstream: LockedUpstream[];
  /** Why each file is in each variant (why.json); absent in builds that do not trace. */
  trace?: WhyRecord;
}

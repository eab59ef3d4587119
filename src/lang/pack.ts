// A language pack: data plus a few hooks saying how a project of that language is built and what prod needs.
import { AirlockError } from '../errors.js';
import type { UpstreamRequest } from '../upstream/types.js';
import type { HostFacts, HostProbe } from './host-facts.js';

/** What the build knows about a source tree before building (read at the edge, passed in). */
export interface SourceInfo {
  /** Relative paths of the regular files at the top of the source tree (names only). */
  topFiles: Set<string>;
  /**
   * Text of small well-known top-level files (package.json, go.mod, Cargo.toml, pyproject.toml, …), by name; of
   * `configure`, its first 8 KiB.
   */
  topText: Map<string, string>;
  /** Names of the top-level directories. */
  topDirs: Set<string>;
  /** Entries of the nested folders the pack's sourceProbe asked for, by relative path; sub-folders end in '/'. */
  dirs?: Map<string, string[]>;
  /** Text of the small nested files the pack's sourceProbe asked for, by relative path (missing ones absent). */
  texts?: Map<string, string>;
  /** The app's folder in a project of several (npm workspaces), as the config's build.workspace names it. */
  app?: string;
  /**
   * Names of the packages the config declares for prod (`packages`), which prod gets whole: a pack may leave to one
   * what its default steps would make (Java: a declared JRE instead of a jlinked runtime).
   */
  packages?: string[];
}

/** Nested folders to list and files to read, relative to the source root (asked by a pack's sourceProbe). */
export interface SourceQuestions {
  dirs?: string[];
  files?: string[];
}

/** Where a default artifact comes from: like the config's `artifacts` entries. */
export interface DefaultArtifact {
  from: string;
  fromRoot: 'out' | 'src';
  to: string;
  mode?: number;
  /** Paths (relative to `from`) left out, e.g. /^tests?(\/|$)/ for an interpreted app's test folder. */
  exclude?: RegExp[];
}

/** A cache directory kept between builds under the airlock cache and bound into every step (e.g. Go's module cache). */
export interface StepCache {
  /** Folder name under <airlock cache>/lang/. */
  name: string;
  /** Absolute path inside the sandbox. */
  path: string;
}

export interface DefaultSteps {
  fetch: string[];
  steps: string[];
  test: string[];
}

/**
 * Defaults that cannot be given: the pipeline reads a default only for a field the config leaves out, so the error
 * reaches exactly the configs that rely on it (one declaring build.steps and build.test never sees it).
 */
export function refusedSteps(err: Error): DefaultSteps {
  return { fetch: [], get steps(): string[] { throw err; }, get test(): string[] { throw err; } };
}

/**
 * A default test step that finds no tests to run (no test target, no test defined) writes why into this file at the
 * top of the work tree; the build then reports "no tests found" instead of tests that ran.
 */
export const NO_TESTS_FILE = '.airlock-no-tests';

/** What a pack is told to decide whether (and how) it cross-compiles. */
export interface CrossQuestion {
  /** Every step of the build (a declared one may ask for what prevents it, like Go's cgo). */
  commands: string[];
  /** The toolchain version asked for (undefined: the suite's default). */
  version: string | undefined;
  /** The config's dev packages (headers and libraries of the build's architecture, not the target's). */
  devPackages: string[];
}

export type CrossAnswer = { env: Record<string, string>; builderPackages: string[] } | { emulate: string };

export interface LanguagePack {
  id: string;
  /** Debian package name pattern whose numeric capture lists the toolchain versions the suite offers. */
  versionPackage: RegExp;
  /** Human name of the toolchain for version errors ("gcc"). */
  toolchainName: string;
  /** Parses the config's `version` into the toolchain's version number, or undefined for the suite default. */
  parseVersion(raw: string | undefined): string | undefined;
  /**
   * What the pack needs to know below the top level (Go's cmd/ folders, a cargo workspace's members), asked from what
   * is known so far: the reader answers into `dirs` and `texts` and asks again until nothing new is asked (pure).
   */
  sourceProbe?(src: SourceInfo): SourceQuestions;
  /** Packages of the builder set (the toolchain) for this source tree. */
  builderPackages(version: string | undefined, src: SourceInfo): string[];
  /** Packages prod always needs, besides the ELF closure of the artifacts. */
  runtimePackages(version: string | undefined): string[];
  /** Environment of every build step (compilers of the requested version, etc.). */
  buildEnv(version: string | undefined): Record<string, string>;
  /** Whether the pack's own fetch step must see the whole source, not only the manifests (e.g. npm workspaces). */
  fetchSeesSource?(src: SourceInfo): boolean;
  /** Conventional fetch/build/test steps for this source tree. */
  defaultSteps(src: SourceInfo): DefaultSteps;
  /** Default artifacts when the config declares none; undefined = everything installed under $AIRLOCK_OUT minus dev/doc files. */
  defaultArtifacts?(src: SourceInfo): DefaultArtifact[] | undefined;
  /**
   * Default entrypoint when the config gives none; undefined = the single executable under a bin/ directory. A shape
   * the pack cannot decide (several programs, none preferred) is a usage error naming runtime.entrypoint; the lock
   * stage asks this before any download when the config names no entrypoint.
   * `upstream` is true when the toolchain comes from the npm registry (laid out under /usr/local).
   */
  defaultEntrypoint?(src: SourceInfo, opts?: { upstream: boolean }): string[] | undefined;
  /** Default workdir of prod (e.g. /app for interpreted languages); undefined = /home/nonroot. */
  defaultWorkdir?(src: SourceInfo): string | undefined;
  /** Extra environment entries of prod (e.g. PYTHONDONTWRITEBYTECODE=1). */
  prodEnv?(version: string | undefined): Record<string, string>;
  /** Caches bound into every step (kept under the airlock cache between builds). */
  stepCaches?(): StepCache[];
  /** What the fetch steps need to know about the host (environment, configuration files); see readHostFacts. */
  hostProbe?: HostProbe;
  /** Host files made visible (read-only) in fetch steps only, e.g. the npm configuration and CA bundle (pure). */
  networkFiles?(host: HostFacts): string[];
  /**
   * When the Debian suite lacks the requested version: the toolchain to take from the npm registry instead (laid out
   * under /usr/local in the builder, dev and test; the `node` role also in prod) and the Debian packages that replace
   * the builder and runtime requests. Undefined = no such fallback.
   */
  upstream?(version: string, architecture: string, src: SourceInfo): UpstreamPlan | undefined;
  /** Extra environment of fetch steps only, from the host's facts (e.g. the npm registry URL from npm's config; pure). */
  networkEnv?(host: HostFacts): Record<string, string>;
  /**
   * How the pack's steps build for `target` on a builder of another architecture: the environment that makes its
   * toolchain cross-compile and the packages the host's builder needs for it, or why it cannot (then the target's own
   * builder runs the steps under qemu-user). Absent: the pack never cross-compiles.
   */
  crossCompile?(target: string, build: CrossQuestion): CrossAnswer;
}

/** Proxy settings, in both spellings, that the fetch steps of every package manager honour. */
export const PROXY_ENV = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'];

/** What a pack takes from the npm registry when Debian lacks the requested toolchain version. */
export interface UpstreamPlan {
  requests: UpstreamRequest[];
  builderPackages: string[];
  runtimePackages: string[];
}

/** The usage error of a project with several programs and nothing that says which one prod runs. */
export function entrypointAmbiguous(found: string, paths: string[]): AirlockError {
  return new AirlockError('usage', 'entrypoint-ambiguous', `${found}: prod gets all of them, which one does it run?`, {
    location: 'runtime.entrypoint', hint: `set runtime.entrypoint to one of ${paths.join(', ')}`,
  });
}

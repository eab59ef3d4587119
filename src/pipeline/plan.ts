// The build plan: everything a build will do, decided up front from the config, the lock, the language pack and the
// facts read about the source. Pure and serializable: two machines with the same inputs get the same plan.
import type { ArtifactSpec, Config, VariantName } from '../config/types.js';
import type { Lock } from '../debian/types.js';
import { builderSetKey } from '../debian/rootfs.js';
import { AirlockError } from '../errors.js';
import type { DefaultArtifact, DefaultSteps, LanguagePack, SourceInfo } from '../lang/pack.js';
import { stableJson } from '../image/json.js';
import { COVERAGE_PRISTINE, COVERAGE_TOOLS, measuringTests } from '../coverage/measure.js';
import type { Execution } from './execution.js';

export { COVERAGE_PRISTINE };

export const PLAN_FORMAT = 2;

/** Where the work tree and the install root are in every step. */
export const SANDBOX_SRC = '/src';
export const SANDBOX_OUT = '/airlock/out';
/** Where a toolchain from the npm registry lives in the builder and the images. */
export const UPSTREAM_PREFIX = 'usr/local';

/** What a step may read of the build context: the dependency manifests only, or the whole source tree. */
export type StepInputs = 'manifests' | 'source';

export interface PlannedStep {
  /** Where the command comes from: build.fetch[0], build.steps[1], build.test[0]. */
  id: string;
  phase: 'fetch' | 'build' | 'test';
  command: string;
  network: boolean;
  inputs: StepInputs;
  /** Language caches bound into the step (kept under the airlock cache; not part of any result). */
  caches: { name: string; path: string }[];
  /** Build secrets the step gets at /run/secrets/ID (and as `env`): ids only, never values; absent when none. */
  secrets?: { id: string; env?: string }[];
  /** The step also sees the source as it was before the build steps, read-only at COVERAGE_PRISTINE (a rebuild). */
  pristine?: boolean;
}

/** One artifact rule of the handoff (the config's, or the pack's default). */
export interface PlannedArtifact {
  from: string;
  fromRoot: 'out' | 'src';
  to: string;
  mode?: number;
  /** Regular-expression sources of paths left out (relative to `from`). */
  exclude?: string[];
}

export interface BuildPlan {
  format: number;
  airlock: string;
  image: { name: string; tag: string; architecture: string };
  epoch: { seconds: number; from: string };
  builder: {
    /** Cache key of the builder root file system (every locked package, the suite and the recipe). */
    rootfsKey: string;
    suite: string;
    /** Locked builder packages, "name=version". */
    packages: string[];
    toolchain: { language: string; version: string | null; upstream: string[] };
    hardening: string;
  };
  /**
   * Where the steps run: `native` and `emulated` on the builder above (emulated: under qemu-user); `cross` on the
   * host's builder (`builder` here) with a cross-compiling environment, the builder above giving dev, test and prod's
   * libraries.
   */
  execution: {
    mode: 'native' | 'cross' | 'emulated';
    host: string;
    why: string;
    builder?: { architecture: string; rootfsKey: string; packages: string[] };
  };
  /** The environment every step sees (the sandbox adds nothing from the host; fetch steps add the host's network settings). */
  env: Record<string, string>;
  steps: PlannedStep[];
  handoff: {
    /** null: everything installed under $AIRLOCK_OUT except development and documentation files. */
    artifacts: PlannedArtifact[] | null;
    strip: boolean;
    /** null: the single executable installed under a bin/ or sbin/ directory. */
    entrypoint: string[] | null;
  };
  /** Runtime package requests (prod gets these plus the packages owning the artifacts' ELF closure). */
  runtime: string[];
  variants: Record<VariantName, Record<string, unknown>>;
  /** build.coverage: the test steps measure coverage with `tool`; below `min` percent the build fails. */
  coverage?: { min: number; tool: string };
}

/** What the plan is computed from: values only (read at the edge by the pipeline). */
export interface PlanInputs {
  config: Config;
  lock: Lock;
  pack: LanguagePack;
  source: SourceInfo;
  requests: { builder: string[]; runtime: string[]; version: string | undefined };
  /** The toolchain comes from the npm registry (laid out under /usr/local). */
  upstream: boolean;
  epoch: { seconds: number; from: string };
  airlockVersion: string;
  /** Where the steps run (chosen from the host's architecture at the edge). */
  execution: Execution;
  /** A cross build's steps' builder (the host's architecture). */
  stepsLock?: Lock;
}

/** Files a pack's own fetch step reads: dependency manifests and vendored folders (a prefix ending in '/' is a folder). */
export const MANIFEST_PATHS = [
  'package.json', 'package-lock.json', 'npm-shrinkwrap.json', '.npmrc',
  'go.mod', 'go.sum', 'Cargo.toml', 'Cargo.lock', '.cargo/',
  'requirements.txt', 'constraints.txt', 'pom.xml', 'vendor/', 'wheels/',
];

/** Whether a source-relative path is one of the manifests a pack's fetch step sees. */
export function isManifestPath(rel: string): boolean {
  return MANIFEST_PATHS.some((m) => (m.endsWith('/') ? rel === m.slice(0, -1) || rel.startsWith(m) : rel === m));
}

/** Packs whose fetch command needs the source itself: `cargo fetch` refuses a manifest whose targets are missing. */
const FETCH_SEES_SOURCE = new Set(['rust']);

const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The step environment: fixed values, the pack's, then the epoch and the install root. */
export function stepEnv(epoch: number, langEnv: Record<string, string>): Record<string, string> {
  return {
    PATH: SANDBOX_PATH, HOME: '/tmp/home', LANG: 'C.UTF-8', TZ: 'UTC',
    SOURCE_DATE_EPOCH: String(epoch), AIRLOCK_OUT: SANDBOX_OUT,
    ...langEnv,
  };
}

/**
 * The commands of each phase: the config's, else the pack's defaults. A shape the pack cannot decide, or nothing to
 * build, is refused here; the lock stage calls this first, so the refusal comes before any download.
 */
export function phaseCommands(config: Config, pack: LanguagePack, source: SourceInfo): DefaultSteps {
  const defaults = pack.defaultSteps(source);
  const steps = config.build.steps ?? defaults.steps;
  if (steps.length === 0) {
    throw new AirlockError('usage', 'no-build-steps', 'no build steps: the source has no configure, CMakeLists.txt or Makefile', {
      location: 'build.steps', hint: 'add build.steps to the config',
    });
  }
  return { fetch: config.build.fetch ?? defaults.fetch, steps, test: config.build.test ?? defaults.test };
}

function plannedSteps(inputs: PlanInputs): PlannedStep[] {
  const { config, pack, source } = inputs;
  const commands = phaseCommands(config, pack, source);
  const caches = (pack.stepCaches?.() ?? []).map((c) => ({ name: c.name, path: c.path }));
  // A pack's own fetch step sees only the manifests (so a source change reuses the fetched dependencies); a
  // declared one may read anything, so it sees, and is keyed by, the whole source.
  const seesSource = config.build.fetch || FETCH_SEES_SOURCE.has(pack.id) || pack.fetchSeesSource?.(source);
  const fetchInputs: StepInputs = seesSource ? 'source' : 'manifests';
  // build.coverage: the test steps measure while they run (the tests run once); C and C++ in an instrumented
  // rebuild from the pristine source.
  const measured = config.build.coverage ? measuringTests(config.language, commands.test, commands.steps) : undefined;
  const tests = measured?.commands ?? commands.test;
  const phase = (p: PlannedStep['phase'], list: string[], name: string, inputsOf: StepInputs): PlannedStep[] =>
    list.map((command, i) => ({
      id: `build.${name}[${i}]`, phase: p, command, network: p === 'fetch', inputs: inputsOf, caches, ...stepSecrets(config, p),
      ...(p === 'test' && measured?.pristine ? { pristine: true } : {}),
    }));
  return [
    ...phase('fetch', [...commands.fetch, ...(measured?.fetch ?? [])], 'fetch', fetchInputs),
    ...phase('build', commands.steps, 'steps', 'source'),
    ...phase('test', tests, 'test', 'source'),
  ];
}

/** The secrets of a phase's steps, by id (and the variable each is exported as). */
function stepSecrets(config: Config, phase: PlannedStep['phase']): { secrets?: { id: string; env?: string }[] } {
  const given = (config.secrets ?? []).filter((s) => s.phases.includes(phase));
  return given.length ? { secrets: given.map((s) => ({ id: s.id, ...(s.asEnv ? { env: s.asEnv } : {}) })) } : {};
}

function artifactRule(a: DefaultArtifact | ArtifactSpec): PlannedArtifact {
  const exclude = 'exclude' in a ? a.exclude ?? [] : [];
  return {
    from: a.from, fromRoot: a.fromRoot, to: a.to,
    ...(a.mode !== undefined ? { mode: a.mode } : {}),
    ...(exclude.length ? { exclude: exclude.map((x) => x.source) } : {}),
  };
}

function variantRecipes(inputs: PlanInputs, entrypoint: string[] | null): BuildPlan['variants'] {
  const { config, pack, source, requests } = inputs;
  const rt = config.runtime;
  const flags = (v: VariantName) => ({ ...config.variants[v] });
  const toolchain = inputs.upstream ? ['toolchain from the npm registry'] : [];
  const prodLayers = [
    config.variants.prod.includeBuildTools ? 'builder' : 'runtime packages', ...toolchain, 'base files',
    ...(config.variants.prod.includeSource ? ['source'] : []), 'artifacts',
  ];
  return {
    dev: { ...flags('dev'), user: '1000:1000', workdir: '/src', layers: ['builder', ...toolchain, 'dev user and source', 'installed'] },
    prod: {
      ...flags('prod'), user: rt.user ?? '65532:65532', workdir: rt.workdir ?? pack.defaultWorkdir?.(source) ?? '/home/nonroot',
      env: { ...(pack.prodEnv?.(requests.version) ?? {}), ...rt.env }, entrypoint, cmd: rt.cmd ?? null, ports: rt.ports,
      labels: rt.labels, layers: prodLayers, ...(config.icu ? { icu: config.icu } : {}),
    },
    test: { ...flags('test'), user: '0:0', workdir: '/src', layers: ['builder', ...toolchain, 'built source', 'installed'] },
  };
}

/** Computes the plan. Pure: a project the pack cannot build by default fails here, before any download. */
export function makePlan(inputs: PlanInputs): BuildPlan {
  const { config, lock, pack, source, requests } = inputs;
  const steps = plannedSteps(inputs);
  const artifacts = config.artifacts ?? pack.defaultArtifacts?.(source);
  const entrypoint = rt(config.runtime.entrypoint) ?? pack.defaultEntrypoint?.(source, { upstream: inputs.upstream }) ?? null;
  return {
    format: PLAN_FORMAT,
    airlock: inputs.airlockVersion,
    image: { name: config.name, tag: config.tag, architecture: lock.architecture },
    epoch: inputs.epoch,
    builder: {
      rootfsKey: builderSetKey(lock),
      suite: `${lock.codename} (Debian ${lock.osVersion})`,
      packages: lock.sets.builder.map((p) => `${p.name}=${p.version}`).sort(),
      toolchain: {
        language: config.language, version: requests.version ?? null,
        upstream: (lock.upstream ?? []).map((u) => `${u.name}@${u.version}`).sort(),
      },
      hardening: config.buildFlags.hardening,
    },
    execution: executionPlan(inputs),
    env: stepEnv(inputs.epoch.seconds, { ...inputs.pack.buildEnv(inputs.requests.version), ...inputs.execution.env }),
    steps,
    handoff: { artifacts: artifacts ? artifacts.map(artifactRule) : null, strip: config.variants.prod.stripBinaries, entrypoint },
    runtime: [...requests.runtime].sort(),
    variants: variantRecipes(inputs, entrypoint),
    ...(config.build.coverage
      ? { coverage: { min: config.build.coverage.min, tool: COVERAGE_TOOLS[config.language]?.name ?? '' } } : {}),
  };
}

function executionPlan(inputs: PlanInputs): BuildPlan['execution'] {
  const { mode, host, why } = inputs.execution;
  const l = inputs.stepsLock;
  if (mode === 'cross' && !l) throw new Error('a cross build needs the lock of the host\'s builder');
  const builder = mode === 'cross' && l
    ? { builder: { architecture: l.architecture, rootfsKey: builderSetKey(l), packages: l.sets.builder.map((p) => `${p.name}=${p.version}`).sort() } }
    : {};
  return { mode, host, why, ...builder };
}

function rt(v: string[] | undefined): string[] | undefined {
  return v && v.length ? v : undefined;
}

/** The plan as stable JSON: keys sorted at every level, two-space indented, a final newline. */
export function planJson(plan: BuildPlan): string {
  return stableJson(plan);
}

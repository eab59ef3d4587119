// Runs the fetch, build and test steps of a config in the sandbox over the builder rootfs.
import type { Hardening } from '../config/types.js';
import { memoryLog, type Log } from '../log.js';
import { runInSandbox, runStep, type SandboxOptions } from '../sandbox/bwrap.js';
import { AirlockError } from '../errors.js';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { writeFileAtomic } from '../files/atomic.js';
import type { BuildPlan, PlannedStep, StepInputs } from './plan.js';
import { COVERAGE_PRISTINE, isManifestPath, SANDBOX_OUT, SANDBOX_SRC, stepEnv } from './plan.js';
import { recordStep, restoreStep, stepKey } from './step-cache.js';
import { snapshotTree } from './tree-diff.js';
import { NO_TESTS_FILE } from '../lang/pack.js';
import type { TestsOutcome } from '../report/report.js';
import { treeDigest } from './source-info.js';
import { guardSecrets, type SecretValue } from './secret-guard.js';
import { captureTests, withTestEvidence } from './test-evidence.js';

export { SANDBOX_OUT, SANDBOX_SRC };

export interface StepPlan {
  fetch: string[];
  steps: string[];
  test: string[];
}

export interface StepContext {
  rootfs: string;
  srcDir: string;
  outDir: string;
  epoch: number;
  hardening: Hardening;
  /** Debian architecture of the builder (CET flags are x86-only). */
  architecture: string;
  langEnv: Record<string, string>;
  userEnv: Record<string, string>;
  /** Extra binds in every step (language caches kept under the airlock cache). */
  caches?: { host: string; path: string }[];
  /** Read-only binds in every step (the npm-registry toolchain at /usr/local). */
  toolBinds?: { host: string; path: string }[];
  /** The host's network settings for fetch steps only (files made visible, extra environment): read when one runs. */
  hostNetwork?: () => { files: string[]; env: Record<string, string> };
  /** Build secrets with their values (steps get those their plan names). */
  secrets?: SecretValue[];
  log: Log;
}

/** The environment every step sees (no host variables leak in). */
export function baseEnv(ctx: Pick<StepContext, 'epoch' | 'langEnv' | 'userEnv'>): Record<string, string> {
  return { ...stepEnv(ctx.epoch, ctx.langEnv), ...ctx.userEnv };
}

function sandbox(ctx: StepContext, env: Record<string, string>, network: boolean, pristine?: string): SandboxOptions {
  const host = network ? ctx.hostNetwork?.() ?? { files: [], env: {} } : undefined;
  return {
    rootfs: ctx.rootfs,
    binds: [
      { host: ctx.srcDir, path: SANDBOX_SRC, writable: true },
      { host: ctx.outDir, path: SANDBOX_OUT, writable: true },
      ...(pristine ? [{ host: pristine, path: COVERAGE_PRISTINE, writable: false }] : []),
      ...(ctx.toolBinds ?? []).map((b) => ({ ...b, writable: false })),
      ...(ctx.caches ?? []).map((c) => ({ ...c, writable: true })),
    ],
    env: host ? { ...env, ...host.env } : env, cwd: SANDBOX_SRC, network, log: ctx.log,
    ...(host ? { networkFiles: ['/etc/resolv.conf', '/etc/hosts', ...host.files] } : {}),
  };
}

/** Compiler flags from the builder's own dpkg-buildflags: standard = Debian defaults, maximum = hardening=+all, none = none. */
export async function hardeningFlags(ctx: StepContext): Promise<Record<string, string>> {
  return ctx.hardening === 'none' ? {} : withAirlockFlags(await dpkgBuildflags(ctx), ctx.hardening, ctx.architecture);
}

/** What the builder's dpkg-buildflags exports for the hardening level (not 'none'). */
async function dpkgBuildflags(ctx: StepContext): Promise<Record<string, string>> {
  // The flags for the images' architecture (a cross build asks the host's builder about the target's).
  const env: Record<string, string> = { ...baseEnv(ctx), DEB_HOST_ARCH: ctx.architecture };
  if (ctx.hardening === 'maximum') env.DEB_BUILD_MAINT_OPTIONS = 'hardening=+all';
  const captured = memoryLog();
  const r = await runInSandbox({ ...sandbox(ctx, env, false), log: captured }, 'dpkg-buildflags --export=sh');
  if (r.code !== 0) {
    const said = captured.lines.join('').trim().split('\n').slice(-10).join('\n');
    throw new AirlockError('build', 'buildflags-failed', `dpkg-buildflags failed in the builder (exit ${r.code})${said ? `:\n${said}` : ''}`, { hint: 'the builder set needs dpkg-dev' });
  }
  const flags: Record<string, string> = {};
  for (const line of captured.lines.join('').split('\n')) {
    const m = /^export (\w+)="(.*)"$/.exec(line.trim());
    if (m && m[1] && m[2] !== undefined) flags[m[1]] = m[2];
  }
  return flags;
}

const C_FAMILY = ['CFLAGS', 'CXXFLAGS', 'OBJCFLAGS', 'OBJCXXFLAGS'];

/** airlock's additions to dpkg-buildflags' answer (pure). */
export function withAirlockFlags(
  dpkg: Record<string, string>, hardening: Hardening, architecture: string,
): Record<string, string> {
  const flags = { ...dpkg };
  // Adds `flag` to each compiler's flags that do not already name `present`.
  const append = (flag: string, present = flag) => {
    for (const k of C_FAMILY) {
      if (flags[k] !== undefined && !flags[k]!.includes(present)) flags[k] = `${flags[k]} ${flag}`;
    }
  };
  // CMake and other build systems ignore CPPFLAGS: carry the preprocessor flags (FORTIFY_SOURCE) in the compiler
  // flags too, as debhelper does for CMake. A repeated identical -D is harmless for autotools and make.
  if (flags.CPPFLAGS) {
    for (const k of ['CFLAGS', 'CXXFLAGS']) if (flags[k] !== undefined) flags[k] = `${flags.CPPFLAGS} ${flags[k]}`;
  }
  // The switches each compilation unit was built with, kept in the binary's .GCC.command.line section (strip keeps
  // it): the elf-hardening gate's proof of a stack protector in a program that needs no canary. The recorded line
  // holds code-generation switches only, no paths, so it is the same in every build folder.
  append('-frecord-gcc-switches');
  if (hardening === 'maximum') {
    flags.DEB_BUILD_MAINT_OPTIONS = 'hardening=+all';
    // bookworm's dpkg-buildflags has no `branch` feature yet: add control-flow protection (CET) on x86 ourselves.
    if (['amd64', 'i386'].includes(architecture)) append('-fcf-protection=full', '-fcf-protection');
  }
  return flags;
}

/** How planned steps run: the cache, its switches and what the keys are made of besides each step. */
export interface StepCacheOptions {
  cache: string;
  /** Run every step, recording the results anew (--no-cache). */
  noCache: boolean;
  airlockVersion: string;
  rootfsKey: string;
  /** The pristine build context (what the inputs of each step are read from). */
  pristine: string;
  /** Scratch space for sealed steps. */
  scratch: string;
}

export interface StepOutcome {
  id: string;
  cached: boolean;
  seconds: number;
}

/**
 * Flags of dpkg-buildflags are a function of the builder and the hardening level: asked once, kept in the cache as
 * dpkg-buildflags said them, and airlock's additions applied on every use.
 */
async function cachedHardeningFlags(ctx: StepContext, opts: StepCacheOptions): Promise<Record<string, string>> {
  if (ctx.hardening === 'none') return {};
  const file = join(opts.cache, 'flags', `${opts.rootfsKey}-${ctx.hardening}-${ctx.architecture}.dpkg.json`);
  const known = await readFile(file, 'utf8').then((t) => JSON.parse(t) as Record<string, string>, () => undefined);
  let dpkg = known && !opts.noCache ? known : undefined;
  if (!dpkg) {
    dpkg = await dpkgBuildflags(ctx);
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, `${JSON.stringify(dpkg)}\n`);
  }
  return withAirlockFlags(dpkg, ctx.hardening, ctx.architecture);
}

/**
 * Runs the planned steps in order, each through the step cache: a hit replays what the step changed, a miss runs it
 * (a pack's fetch step sealed in a folder holding only the manifests) and records what it changed.
 */
export async function runPlannedSteps(ctx: StepContext, plan: BuildPlan, opts: StepCacheOptions): Promise<{
  env: Record<string, string>; outcomes: StepOutcome[]; tests: TestsOutcome;
}> {
  const built = await runBuildSteps(ctx, plan, opts);
  const tested = await runTestSteps(ctx, plan, opts, built);
  return { env: built.env, outcomes: [...built.outcomes, ...tested.outcomes], tests: tested.tests };
}

/** Where the fetch and build steps left the chain: the test steps' keys follow on from it. */
export interface StepChain {
  env: Record<string, string>;
  outcomes: StepOutcome[];
  /** Key of the last step run (null: none). */
  previous: string | null;
  /** Digest of each kind of step input, worked out once per build. */
  inputsDigest: (i: StepInputs) => Promise<string>;
}

/** The fetch and build steps (everything before the tests). */
export async function runBuildSteps(ctx: StepContext, plan: BuildPlan, opts: StepCacheOptions): Promise<StepChain> {
  for (const c of ctx.caches ?? []) await mkdir(c.host, { recursive: true });
  const env = { ...plan.env, ...ctx.userEnv, ...(await cachedHardeningFlags(ctx, opts)) };
  const digests = new Map<StepInputs, Promise<string>>();
  const inputsDigest = (i: StepInputs) => {
    if (!digests.has(i)) digests.set(i, treeDigest(opts.pristine, i === 'manifests' ? isManifestPath : undefined));
    return digests.get(i)!;
  };
  const chain: StepChain = { env, outcomes: [], previous: null, inputsDigest };
  return runSteps(ctx, plan.steps.filter((s) => s.phase !== 'test'), opts, chain);
}

/**
 * The test steps, chained on the build steps' keys, and what they showed. A build runs them beside the handoff
 * (pipeline/beside-tests), which checks afterwards that they changed nothing of $AIRLOCK_OUT but its build notes.
 */
export async function runTestSteps(ctx: StepContext, plan: BuildPlan, opts: StepCacheOptions, after: StepChain): Promise<{
  outcomes: StepOutcome[]; tests: TestsOutcome;
}> {
  const ran = await runSteps(ctx, plan.steps.filter((s) => s.phase === 'test'), opts, { ...after, outcomes: [] });
  const tests = await withTestEvidence(await testsOutcome(plan, ctx.srcDir), plan, ctx.outDir, ctx.log);
  if (tests.status === 'no tests found') ctx.log.warn(`no tests found: ${tests.note}`);
  return { outcomes: ran.outcomes, tests };
}

async function runSteps(ctx: StepContext, steps: PlannedStep[], opts: StepCacheOptions, chain: StepChain): Promise<StepChain> {
  const { env, inputsDigest } = chain;
  const outcomes = [...chain.outcomes];
  let previous = chain.previous;
  for (const step of steps) {
    const t0 = Date.now();
    const key = stepKey({
      airlock: opts.airlockVersion, rootfsKey: opts.rootfsKey, previous, env, inputsDigest: await inputsDigest(step.inputs),
      step: {
        id: step.id, command: step.command, network: step.network, inputs: step.inputs, caches: step.caches,
        ...(step.secrets ? { secrets: step.secrets } : {}), ...(step.pristine ? { pristine: true } : {}),
      },
    });
    previous = key;
    const dirs = { src: ctx.srcDir, out: ctx.outDir };
    const restored = opts.noCache ? { hit: false as const } : await restoreStep(opts.cache, key, dirs);
    if (restored.hit) {
      ctx.log.info(`==> ${step.id}: CACHED ${step.command}`);
      outcomes.push({ id: step.id, cached: true, seconds: (Date.now() - t0) / 1000 });
      continue;
    }
    if ('corrupt' in restored && restored.corrupt) ctx.log.warn(`step cache entry of ${step.id} discarded (${restored.corrupt}); running the step`);
    if (step.inputs === 'manifests') {
      // Sealed: the step sees only the manifests; what it changed is recorded, then replayed onto the work tree.
      const sealed = { src: join(opts.scratch, `${key}-src`), out: join(opts.scratch, `${key}-out`) };
      await copyTree(opts.pristine, sealed.src, isManifestPath);
      await copyTree(ctx.outDir, sealed.out);
      await runRecorded({ ...ctx, srcDir: sealed.src, outDir: sealed.out }, env, step, key, opts);
      await restoreStep(opts.cache, key, dirs);
      await rm(sealed.src, { recursive: true, force: true });
      await rm(sealed.out, { recursive: true, force: true });
    } else {
      await runRecorded(ctx, env, step, key, opts);
    }
    outcomes.push({ id: step.id, cached: false, seconds: (Date.now() - t0) / 1000 });
  }
  return { ...chain, outcomes, previous };
}

/** Whether the test steps ran tests: a default test step that found none left its reason in NO_TESTS_FILE. */
async function testsOutcome(plan: BuildPlan, srcDir: string): Promise<TestsOutcome> {
  if (!plan.steps.some((s) => s.phase === 'test')) return { status: 'no test steps' };
  const note = await readFile(join(srcDir, NO_TESTS_FILE), 'utf8').then((t) => t.trim(), () => undefined);
  return note === undefined ? { status: 'ran' } : { status: 'no tests found', note };
}

async function runRecorded(ctx: StepContext, env: Record<string, string>, step: PlannedStep, key: string, opts: StepCacheOptions): Promise<void> {
  const before = { src: await snapshotTree(ctx.srcDir), out: await snapshotTree(ctx.outDir) };
  // A step given secrets runs with them, its output masked, and what it wrote is scanned before it is recorded.
  const guard = guardSecrets(step, ctx.secrets ?? [], ctx.log);
  const tests = captureTests(step, guard.log);
  const pristine = step.pristine ? opts.pristine : undefined;
  const box = { ...sandbox({ ...ctx, log: tests.log }, env, step.network, pristine), ...guard.sandbox };
  await guard.run(box, (o) => runStep(o, step.id, step.command));
  await tests.save(ctx.outDir);
  await guard.check({ src: [ctx.srcDir, before.src], out: [ctx.outDir, before.out] });
  await recordStep(opts.cache, key, step.id, [
    { root: 'src', dir: ctx.srcDir, before: before.src, after: await snapshotTree(ctx.srcDir) },
    { root: 'out', dir: ctx.outDir, before: before.out, after: await snapshotTree(ctx.outDir) },
  ]);
}

/** Copies a tree (or only the top-level entries `keep` accepts), links and modes as they are. */
async function copyTree(from: string, to: string, keep?: (rel: string) => boolean): Promise<void> {
  await mkdir(to, { recursive: true });
  await cp(from, to, {
    recursive: true, verbatimSymlinks: true, preserveTimestamps: true,
    filter: (f) => {
      const rel = relative(from, f).split(sep).join('/');
      return rel === '' || !keep || keep(rel);
    },
  });
}

/** Strips ELF files in place with the builder's own strip (a list of paths relative to `dir`). */
export async function stripInSandbox(ctx: StepContext, dir: string, files: string[]): Promise<void> {
  if (files.length === 0) return;
  const quoted = files.map((f) => `'${f.replace(/'/g, `'\\''`)}'`).join(' ');
  await runStep(
    { rootfs: ctx.rootfs, binds: [{ host: dir, path: '/airlock/strip', writable: true }], env: baseEnv(ctx), cwd: '/airlock/strip', network: false, log: ctx.log },
    'strip', `strip --strip-unneeded --enable-deterministic-archives ${quoted}`,
  );
}

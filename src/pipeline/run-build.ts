// `airlock build`, the executor: plans the build, then runs the plan stage by stage. Each stage lives in its own
// module; this file only says in what order they run and what each hands to the next.
import { readFile } from 'node:fs/promises';
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { join, relative } from 'node:path';
import type { Log } from '../log.js';
import type { Config } from '../config/types.js';
import { canonicalJson } from '../image/json.js';
import { hashFile } from '../files/file-hash.js';
import type { Lock } from '../debian/types.js';
import type { Finding } from '../evidence/scan-report.js';
import type { BuildReport } from '../report/report.js';
import { writeFileAtomic } from '../files/atomic.js';
import { buildKey, reusableOutputs } from './build-record.js';
import { planBuild, type PlannedBuild } from './plan-stage.js';
import type { StepContext } from './run-steps.js';
import { contextDigest, readIgnore } from './source-info.js';
import { lockPath } from '../debian/lock.js';
import { createWorkspace, type Workspace } from './workspace.js';
import { UPSTREAM_PREFIX } from './plan.js';
import { outputSiblings, recoverOutputs } from './output-folder.js';
import type { BuildResult } from './result.js';
import type { BuilderRootfs } from '../debian/rootfs.js';
import { readSecretValues } from '../secrets/read.js';
import { scanVariantsForSecrets } from './secret-guard.js';
import { besideTests } from './beside-tests.js';
import type { OutputDraft } from './outputs.js';

export interface BuildOptions {
  cache: string;
  log: Log;
  env: NodeJS.ProcessEnv;
  outDir: string;
  offline: boolean;
  locked: boolean;
  update: boolean;
  /** Skip the quality gates (the report says they were skipped). */
  noGates: boolean;
  /** Rerun every step and rebuild every output (--no-cache). */
  noCache: boolean;
  key?: KeyObject;
  vexFindings?: Finding[];
  /** The output folder the build context leaves out with its lock and swap folders (default: outDir; a platform's
   * build of a multi-platform one leaves out the whole OUT). */
  contextOut?: string;
}

export interface BuildOutcome {
  report: BuildReport;
  /** The outputs of an earlier build with the same inputs were intact and kept. */
  reused: boolean;
  prodFailed: boolean;
}

/**
 * Runs a build: lock → plan → (no change: reuse) → fetch → rootfs → build steps → (test steps beside handoff →
 * assemble prod, dev → their layout entries and archives, gates and trace) → assemble test → gates of test → trace of
 * test → outputs.
 */
export async function runBuild(config: Config, configDigest: string, opts: BuildOptions): Promise<BuildOutcome> {
  const clock = stageClock();
  const { log, cache, offline } = opts;
  await recoverOutputs(opts.outDir); // what a killed build left beside the outputs (we hold their lock)
  const planned = await clock.time('plan', () => planBuild(config, configDigest, opts));
  // The config and its lock are the plan's inputs, not the build's: a step never sees them (so editing the config
  // reruns only the steps whose plan changed).
  const inside = (p: string) => insideSource(config.source, p);
  const outRel = inside(opts.contextOut ?? opts.outDir);
  const ignore = readIgnore(config.source, outRel, outputSiblings(outRel), inside(config.file), ...lockFiles(config).map(inside));
  const context = await contextDigest(config.source, ignore);
  const key = buildKey({ plan: planned.json, context, lock: lockDigest(planned.lock), options: outputOptions(opts) });
  const reused = opts.noCache ? undefined : await reusableOutputs(opts.outDir, key);
  if (reused) {
    log.info(`no change since the last build: outputs in ${opts.outDir} are intact and kept (--no-cache rebuilds)`);
    return { report: reused, reused: true, prodFailed: reused.variants.prod.gates?.passed === false };
  }
  const stages = await loadStages();
  const { lock, plan } = planned;
  const secrets = await readSecretValues(config.secrets ?? [], opts.env); // held in memory, for the steps only
  const io = { cache, log, offline };
  await clock.time('fetch', async () => { for (const l of [lock, ...(planned.stepsLock ? [planned.stepsLock] : [])]) await stages.fetchLocked(l, io); });
  const upstream = lock.upstream?.length
    ? await clock.time('toolchain', () => stages.prepareUpstream(lock.upstream!, { cache, offline, env: opts.env, log }))
    : undefined;
  const { rootfs, stepsRootfs } = await clock.time('rootfs', () => builders(planned, io, stages.ensureBuilderRootfs));
  const ws = await clock.time('workspace', () => createWorkspace(config.source, ignore));
  try {
    const ctx = { ...stepContext(planned, ws, stepsRootfs.dir, upstream?.tree, opts), secrets };
    const stepCache = {
      cache, noCache: opts.noCache, airlockVersion: plan.airlock, rootfsKey: stepsRootfs.key, pristine: ws.pristine, scratch: ws.root,
    };
    // The later stages' code, and what needs only the builder root (its owner index, the builder layer), are loaded
    // and made while the steps run (the main thread waits on their processes). A failure here is met again, and
    // reported, where it is used.
    const warm = setTimeout(() => {
      stages.late().then((l) => {
        l.prepareAssembly(planned, rootfs, { cache, noCache: opts.noCache });
        return l.ownerIndex(rootfs.dir);
      }).catch(() => { /* reported by its user */ });
    }, 20);
    const built = await clock.time('steps', () => stages.runBuildSteps(ctx, plan, stepCache)).finally(() => clearTimeout(warm));
    const s = { ...stages, ...(await stages.late()) };
    const prepared = clock.since();
    const handoffDirs = { strippedDir: ws.stripped, rootfsDir: rootfs.dir, extraProdFiles: upstream?.prodFiles ?? [] };
    const assembleOpts = { ws, rootfs, upstream, cache, log, noCache: opts.noCache };
    const gating = { skip: opts.noGates, epoch: plan.epoch.seconds, log, cacheDir: cache };
    // The handoff, prod and dev and their gates need nothing the test steps make: they run while the tests do.
    const beforeTests = async (outDir: string) => {
      // A cross build's artifacts are the target's: stripped by the target builder's strip (under qemu-user).
      const handoff = await clock.time('handoff', () => s.handOff(plan, lock, { ...ctx, outDir, rootfs: rootfs.dir }, handoffDirs));
      const made = await clock.time('assemble', () => s.assembleBeforeTests(planned, handoff, { ...assembleOpts, ws: { ...ws, out: outDir } }));
      // prod and dev are final: their layout entries and archives are written while their gates and the tests still
      // run (once no build secret is in them).
      const early = { prod: made.prod, dev: made.dev };
      await clock.time('secrets', () => scanVariantsForSecrets(early, secrets, log, false));
      const draft = await s.startOutputs(opts.outDir, { config, epoch: planned.epoch }, { builderVersion: plan.airlock, noCache: opts.noCache });
      draft.add(early);
      const gateOpts = { ...gating, packagedPaths: made.packagedPaths };
      const rest = async () => {
        const gated = await clock.time('gates', () => s.runBuildGates(config, early, gateOpts));
        // The trace of prod and dev (and its why.json text) too: test's is added after the tests.
        const traceOpts = { ws: { ...ws, out: outDir }, rootfsDir: rootfs.dir, upstream, replaced: made.replaced };
        const traceFacts = await clock.time('trace', () => s.prepareTrace(planned, handoff, traceOpts));
        const traced = await clock.time('trace', async () => s.traceEarly(traceFacts, early));
        for (const v of [made.prod, made.dev]) s.countFiles(v.layers); // report.json's counts, kept for the outputs
        return { gated, traceFacts, traced };
      };
      const { gated, traceFacts, traced } = await rest().catch(async (e: unknown) => {
        await draft.discard();
        throw e;
      });
      return { handoff, made, gated, outDir, draft, traceFacts, traced };
    };
    const runTests = () => clock.time('tests', () => s.runTestSteps(ctx, plan, stepCache, built));
    // Early work the build does not keep (the tests failed, or changed $AIRLOCK_OUT) takes its output folder along.
    const drop = (e: { draft: OutputDraft }) => e.draft.discard();
    const { tested, early } = await besideTests(plan, { out: ws.out, scratch: ws.root }, log, runTests, beforeTests, drop);
    const { handoff, draft } = early;
    try {
      const assembled = await clock.time('assemble', () => early.made.withTest());
      const steps = { outcomes: [...built.outcomes, ...tested.outcomes], tests: tested.tests };
      await clock.time('secrets', () => scanVariantsForSecrets({ test: assembled.variants.test }, secrets, log, true));
      // The test image is final: its layout entry and archive are written while its gates, the trace and the evidence run.
      draft.add({ test: assembled.variants.test });
      const gateOpts = { ...gating, packagedPaths: assembled.packagedPaths };
      const gatedTest = await clock.time('gates', () => s.runBuildGates(config, { test: assembled.variants.test }, gateOpts));
      const gates = s.gateRun({ ...early.gated, ...gatedTest });
      // Traced against the install root the handoff read (the linked copy, when the tests ran beside it).
      const trace = await clock.time('trace', async () => s.traceStage(early.traceFacts, assembled.variants, early.traced, assembled.slicing));
      const result: BuildResult = {
        config, lock, epoch: planned.epoch, variants: assembled.variants, prodPackages: handoff.prodPackages,
        ...(handoff.pruned ? { pruned: handoff.pruned } : {}), ...(assembled.slicing ? { slicing: assembled.slicing } : {}),
        ...(assembled.replaced.length ? { replaced: assembled.replaced } : {}),
        closurePackages: handoff.closurePackages, artifacts: await assembled.artifactDigests(), upstream: upstream?.packages ?? [],
        sourceDigest: context, rootfsKey: rootfs.key, rootfsDigest: await tarDigest(rootfs.tar), gates, warnings: planned.warnings,
        execution: planned.execution,
        ...(planned.stepsLock ? { stepsBuilder: { lock: planned.stepsLock, rootfsDigest: await tarDigest(stepsRootfs.tar) } } : {}),
        timings: { prepare: prepared, ...assembled.timings }, steps: steps.outcomes, tests: steps.tests,
        stages: clock.stages, trace,
      };
      const outputOpts = {
        gates: gates.summaries, builderVersion: plan.airlock, buildKey: key, draft,
        ...(opts.key ? { key: opts.key } : {}), ...(opts.vexFindings ? { vexFindings: opts.vexFindings } : {}),
      };
      const report = await clock.time('outputs', () => s.writeOutputsAtomically(result, opts.outDir, outputOpts));
      return { report, reused: false, prodFailed: gates.prodFailed };
    } catch (e) {
      await draft.discard();
      throw e;
    }
  } finally {
    await ws.dispose();
  }
}

/**
 * The builder root file systems: the target's (dev and test are made from it; prod's libraries and their owners are
 * looked up in it) and the one the steps run on, which is the host's for a cross build and the target's otherwise.
 */
export async function builders(
  planned: Pick<PlannedBuild, 'lock' | 'stepsLock'>, io: { cache: string; log: Log; offline: boolean },
  ensure: (lock: Lock, io: { cache: string; log: Log; offline: boolean }) => Promise<BuilderRootfs>,
): Promise<{ rootfs: BuilderRootfs; stepsRootfs: BuilderRootfs }> {
  const rootfs = await ensure(planned.lock, io);
  return { rootfs, stepsRootfs: planned.stepsLock ? await ensure(planned.stepsLock, io) : rootfs };
}

/**
 * The config's lock files: plan inputs, never in the build context. Every `airlock.lock.*.json` beside the config
 * (a pattern): another platform's build may write a cross builder's lock after this one read the context.
 */
export function lockFiles(config: Pick<Config, 'file'>): string[] {
  return [lockPath(config.file), lockPath(config.file, '*')];
}

/** Wall time spent in each stage, summed over its parts; stages run beside each other overlap (the report shows them). */
function stageClock() {
  const t0 = Date.now();
  const stages: Record<string, number> = {};
  return {
    stages,
    since: () => (Date.now() - t0) / 1000,
    async time<T>(name: string, f: () => Promise<T>): Promise<T> {
      const s = Date.now();
      try { return await f(); } finally { stages[name] = Math.round((stages[name] ?? 0) * 1000 + Date.now() - s) / 1000; }
    },
  };
}

export { planBuild };

/** The output folder relative to the source when it lies inside it (then it is left out of the build context). */
function insideSource(source: string, outDir: string): string | undefined {
  const rel = relative(source, outDir);
  return rel && !rel.startsWith('..') ? rel : undefined;
}

function lockDigest(lock: Lock): string {
  return createHash('sha256').update(canonicalJson(lock)).digest('hex');
}

/** sha256 of a signing key's public part (what build keys record: outputs depend on which key signed them). */
export function publicKeyDigest(key: KeyObject): string {
  return createHash('sha256').update(createPublicKey(key).export({ type: 'spki', format: 'der' })).digest('hex');
}

/** Switches that change the outputs without changing the plan. */
function outputOptions(opts: BuildOptions): Record<string, string | boolean | null> {
  const pub = opts.key ? publicKeyDigest(opts.key) : null;
  const vex = opts.vexFindings ? createHash('sha256').update(canonicalJson(opts.vexFindings)).digest('hex') : null;
  return { noGates: opts.noGates, signingKey: pub, vexScan: vex };
}

/**
 * The stages after the plan, loaded only when the outputs cannot be reused (a no-change rebuild loads none): those up
 * to the steps at once, the rest (`late`) once asked for, which the build does while the steps' processes run.
 */
async function loadStages() {
  const [engine, rootfs, steps, upstream] = await Promise.all([
    import('../debian/engine.js'), import('../debian/rootfs.js'), import('./run-steps.js'), import('./upstream-step.js'),
  ]);
  let late: ReturnType<typeof loadLateStages> | undefined;
  return {
    fetchLocked: engine.fetchLocked, ensureBuilderRootfs: rootfs.ensureBuilderRootfs, runBuildSteps: steps.runBuildSteps,
    runTestSteps: steps.runTestSteps, prepareUpstream: upstream.prepareUpstream,
    late: () => (late ??= loadLateStages()),
  };
}

async function loadLateStages() {
  const [handoff, assemble, gates, outputs, trace, owner] = await Promise.all([
    import('./handoff.js'), import('./assemble-stage.js'), import('./gates.js'), import('./outputs.js'),
    import('./trace-stage.js'), import('../debian/owner.js'),
  ]);
  return {
    handOff: handoff.handOff, assembleBeforeTests: assemble.assembleBeforeTests, prepareAssembly: assemble.prepareAssembly, runBuildGates: gates.runBuildGates, gateRun: gates.gateRun,
    writeOutputsAtomically: outputs.writeOutputsAtomically, startOutputs: outputs.startOutputs, countFiles: outputs.countFiles,
    traceStage: trace.traceStage, prepareTrace: trace.prepareTrace, traceEarly: trace.traceEarly, ownerIndex: owner.ownerIndex,
  };
}

/** What every sandboxed step of this build sees. */
export function stepContext(planned: PlannedBuild, ws: Workspace, rootfs: string, toolTree: string | undefined, opts: BuildOptions): StepContext {
  const { pack, plan } = planned;
  const caches = (pack.stepCaches?.() ?? []).map((c) => ({ host: join(opts.cache, 'lang', c.name), path: c.path }));
  return {
    rootfs, srcDir: ws.src, outDir: ws.out, epoch: plan.epoch.seconds, hardening: planned.config.buildFlags.hardening,
    architecture: planned.lock.architecture, langEnv: pack.buildEnv(planned.requests.version), userEnv: {}, caches, log: opts.log,
    hostNetwork: () => planned.hostNetwork(opts.env),
    ...(toolTree ? { toolBinds: [{ host: toolTree, path: `/${UPSTREAM_PREFIX}` }] } : {}),
  };
}

/** sha256 of the (immutable, keyed) rootfs tarball, computed once and kept beside it. */
async function tarDigest(tar: string): Promise<string> {
  const side = `${tar}.sha256`;
  const known = await readFile(side, 'utf8').then((t) => t.trim(), () => '');
  if (/^sha256:[0-9a-f]{64}$/.test(known)) return known;
  const digest = `sha256:${await hashFile(tar)}`;
  await writeFileAtomic(side, `${digest}\n`);
  return digest;
}

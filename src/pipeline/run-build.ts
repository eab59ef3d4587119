// `airlock build`, the executor: plans the build, then runs the plan stage by stage. Each stage lives in its own
// module; this file only says in what order they run and what each hands to the next.
import { readFile } from 'node:fs/promises';
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { join, relative } from 'node:path';
import type { Log } from '../log.js';
import type { Config } from '../config/types.js';
import { canonicalJson } from '../config/digest.js';
import { fetchLocked } from '../debian/engine.js';
import { ensureBuilderRootfs } from '../debian/rootfs.js';
import { sha256File } from '../debian/cache.js';
import type { Lock } from '../debian/types.js';
import type { Finding } from '../evidence/scan-report.js';
import type { BuildReport } from '../report/report.js';
import { writeFileAtomic } from '../sinks/atomic.js';
import { buildKey, reusableOutputs } from './build-record.js';
import { runBuildGates } from './gates.js';
import { handOff } from './handoff.js';
import { writeOutputsAtomically } from './outputs.js';
import { planBuild, type PlannedBuild } from './plan-stage.js';
import { runPlannedSteps, type StepContext } from './run-steps.js';
import { contextDigest, readIgnore } from './source-info.js';
import { assembleVariants } from './assemble-stage.js';
import { prepareUpstream, UPSTREAM_PREFIX } from './upstream-step.js';
import { createWorkspace, type Workspace } from './workspace.js';
import type { BuildResult } from './result.js';

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
}

export interface BuildOutcome {
  report: BuildReport;
  /** The outputs of an earlier build with the same inputs were intact and kept. */
  reused: boolean;
  prodFailed: boolean;
}

/** Runs a build: lock → plan → (no change: reuse) → fetch → rootfs → steps → handoff → assemble → gates → outputs. */
export async function runBuild(config: Config, configDigest: string, opts: BuildOptions): Promise<BuildOutcome> {
  const t0 = Date.now();
  const planned = await planBuild(config, configDigest, opts);
  const ignore = readIgnore(config.source, insideSource(config.source, opts.outDir));
  const context = await contextDigest(config.source, ignore);
  const key = buildKey({ plan: planned.json, context, lock: lockDigest(planned.lock), options: outputOptions(opts) });
  const reused = opts.noCache ? undefined : await reusableOutputs(opts.outDir, key);
  if (reused) {
    opts.log.info(`no change since the last build: outputs in ${opts.outDir} are intact and kept (--no-cache rebuilds)`);
    return { report: reused, reused: true, prodFailed: reused.variants.prod.gates?.passed === false };
  }
  await fetchLocked(planned.lock, { cache: opts.cache, log: opts.log, offline: opts.offline });
  const upstream = await toolchainFromRegistry(planned.lock, opts);
  const rootfs = await ensureBuilderRootfs(planned.lock, { cache: opts.cache, log: opts.log, offline: opts.offline });
  const ws = await createWorkspace(config.source, ignore);
  try {
    const ctx = stepContext(planned, ws, rootfs.dir, upstream?.tree, opts);
    const steps = await runPlannedSteps(ctx, planned.plan, {
      cache: opts.cache, noCache: opts.noCache, airlockVersion: planned.plan.airlock, rootfsKey: rootfs.key,
      pristine: ws.pristine, scratch: ws.root,
    });
    const tPrepared = Date.now();
    const handoff = await handOff(planned.plan, planned.lock, ctx, { strippedDir: ws.stripped, rootfsDir: rootfs.dir, extraProdFiles: upstream?.prodFiles ?? [] });
    const assembled = await assembleVariants(planned, handoff, { ws, rootfs, upstream, cache: opts.cache, log: opts.log });
    const gates = await runBuildGates(config, assembled.variants, {
      skip: opts.noGates, epoch: planned.epoch.seconds, log: opts.log, cacheDir: opts.cache, packagedPaths: assembled.packagedPaths,
    });
    const result: BuildResult = {
      config, lock: planned.lock, epoch: planned.epoch, variants: assembled.variants, prodPackages: handoff.prodPackages,
      closurePackages: handoff.closurePackages, artifacts: await assembled.artifactDigests(), upstream: upstream?.packages ?? [],
      sourceDigest: context, rootfsKey: rootfs.key, rootfsDigest: await tarDigest(rootfs.tar), gates, warnings: planned.warnings,
      timings: { prepare: (tPrepared - t0) / 1000, ...assembled.timings }, steps: steps.outcomes,
    };
    const report = await writeOutputsAtomically(result, opts.outDir, {
      gates: gates.summaries, builderVersion: planned.plan.airlock, buildKey: key,
      ...(opts.key ? { key: opts.key } : {}), ...(opts.vexFindings ? { vexFindings: opts.vexFindings } : {}),
    });
    return { report, reused: false, prodFailed: gates.prodFailed };
  } finally {
    await ws.dispose();
  }
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

/** Switches that change the outputs without changing the plan. */
function outputOptions(opts: BuildOptions): Record<string, string | boolean | null> {
  const pub = opts.key ? createHash('sha256').update(createPublicKey(opts.key).export({ type: 'spki', format: 'der' })).digest('hex') : null;
  const vex = opts.vexFindings ? createHash('sha256').update(canonicalJson(opts.vexFindings)).digest('hex') : null;
  return { noGates: opts.noGates, signingKey: pub, vexScan: vex };
}

async function toolchainFromRegistry(lock: Lock, opts: BuildOptions) {
  if (!lock.upstream?.length) return undefined;
  return prepareUpstream(lock.upstream, { cache: opts.cache, offline: opts.offline, env: opts.env, log: opts.log });
}

/** What every sandboxed step of this build sees. */
function stepContext(planned: PlannedBuild, ws: Workspace, rootfs: string, toolTree: string | undefined, opts: BuildOptions): StepContext {
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
  const digest = `sha256:${await sha256File(tar)}`;
  await writeFileAtomic(side, `${digest}\n`);
  return digest;
}

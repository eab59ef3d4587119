// The facts an export renders besides the plan. They come from running the plan's own stages (steps replayed from
// the step cache): the steps' environment with the builder's hardening flags, the exact artifact list and where
// each artifact comes from, and the images airlock made that the Dockerfile builds FROM.
import { lstat, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Config } from '../config/types.js';
import { ALWAYS_IGNORED, IGNORE_FILES } from '../config/ignore.js';
import type { Log } from '../log.js';
import type { Image } from '../image/image.js';
import { planBuild } from '../pipeline/plan-stage.js';
import { MANIFEST_PATHS, type BuildPlan } from '../pipeline/plan.js';
import { builders, lockFiles, stepContext } from '../pipeline/run-build.js';
import { readIgnore } from '../pipeline/source-info.js';
import { createWorkspace } from '../pipeline/workspace.js';
import { outputSiblings } from '../pipeline/output-folder.js';
import { baseImages } from './bases.js';
import { handoffRecipe, type HandoffRecipe } from './handoff-recipe.js';

export interface ExportFacts {
  config: Config;
  plan: BuildPlan;
  /** What every step sees: the plan's environment plus the builder's hardening flags. */
  stepEnv: Record<string, string>;
  /** Dependency manifests in the source (what a sealed fetch step sees), source-relative; folders end in '/'. */
  manifests: string[];
  handoff: HandoffRecipe;
  /** prod's runtime settings, exactly as airlock's prod image has them. */
  prodConfig: Record<string, unknown>;
  /** The commands the test image runs. */
  testCommand: string;
  /** The images the Dockerfile builds FROM: the builder (rootfs and toolchain) and prod's runtime base. */
  bases: { builder: Image; runtime: Image };
  /** The build context's ignore rules as a .dockerignore: the ignore file's, then what a build always leaves out. */
  dockerignore: string[];
}

export interface CollectOptions {
  cache: string;
  log: Log;
  env: NodeJS.ProcessEnv;
  offline: boolean;
  locked: boolean;
  /** The export's own folder: left out of the build context when it lies inside the source. */
  exportDir: string;
}

const inside = (source: string, p: string) => {
  const rel = relative(source, p);
  return rel && !rel.startsWith('..') ? rel.split('\\').join('/') : undefined;
};

/** Plans the build, runs its stages up to assembly (every step a cache hit after a build) and gathers the facts. */
export async function collectFacts(
  config: Config, configDigest: string, opts: CollectOptions, check: (plan: BuildPlan) => void,
): Promise<ExportFacts> {
  const planned = await planBuild(config, configDigest, { ...opts, update: false });
  const { plan, lock } = planned;
  check(plan); // what the plan alone shows to be unexportable fails before any step runs
  const [engine, rootfsMod, steps, handoffMod, assemble, upstreamMod] = await Promise.all([
    import('../debian/engine.js'), import('../debian/rootfs.js'), import('../pipeline/run-steps.js'),
    import('../pipeline/handoff.js'), import('../pipeline/assemble-stage.js'), import('../pipeline/upstream-step.js'),
  ]);
  const io = { cache: opts.cache, log: opts.log, offline: opts.offline };
  for (const l of [lock, ...(planned.stepsLock ? [planned.stepsLock] : [])]) await engine.fetchLocked(l, io);
  const upstream = lock.upstream?.length
    ? await upstreamMod.prepareUpstream(lock.upstream, { ...io, env: opts.env })
    : undefined;
  const { rootfs, stepsRootfs } = await builders(planned, io, rootfsMod.ensureBuilderRootfs);
  const defaultOut = join(config.dir, 'airlock-out');
  const leftOut = [config.file, ...lockFiles(config), defaultOut, opts.exportDir]
    .map((p) => inside(config.source, p))
    .filter((p): p is string => !!p);
  const ignore = readIgnore(config.source, ...leftOut, outputSiblings(inside(config.source, defaultOut)));
  const ws = await createWorkspace(config.source, ignore);
  try {
    const buildOpts = { ...opts, outDir: defaultOut, update: false, noGates: true, noCache: false };
    const ctx = stepContext(planned, ws, stepsRootfs.dir, upstream?.tree, buildOpts);
    const stepCache = {
      cache: opts.cache, noCache: false, airlockVersion: plan.airlock, rootfsKey: stepsRootfs.key,
      pristine: ws.pristine, scratch: ws.root,
    };
    const ran = await steps.runPlannedSteps(ctx, plan, stepCache);
    const dirs = { strippedDir: ws.stripped, rootfsDir: rootfs.dir, extraProdFiles: upstream?.prodFiles ?? [] };
    const handoff = await handoffMod.handOff(plan, lock, { ...ctx, rootfs: rootfs.dir }, dirs);
    const assembleOpts = { ws, rootfs, upstream, cache: opts.cache, log: opts.log, noCache: false };
    const assembled = await assemble.assembleVariants(planned, handoff, assembleOpts);
    const prod = assembled.variants.prod.image;
    const tests = plan.steps.filter((s) => s.phase === 'test').map((s) => s.command);
    return {
      config, plan, stepEnv: ran.env, manifests: await presentManifests(ws.pristine),
      handoff: await handoffRecipe(plan, handoff, ws, new Set(assembled.leftOutArtifacts)),
      prodConfig: { ...prod.config.config },
      testCommand: tests.length ? tests.join(' && ') : 'echo "no tests configured"',
      bases: baseImages(assembled.variants, {
        upstream: !!upstream, epoch: plan.epoch.seconds, architecture: config.debian.architecture,
      }),
      dockerignore: await dockerignoreLines(config.source, leftOut),
    };
  } finally {
    await ws.dispose();
  }
}

/** The ignore file's lines (Docker's syntax already), then what airlock always leaves out of a context. */
async function dockerignoreLines(source: string, leftOut: string[]): Promise<string[]> {
  const texts = await Promise.all(IGNORE_FILES.map((f) => readFile(join(source, f), 'utf8').catch(() => undefined)));
  const own = (texts.find((t) => t !== undefined) ?? '').split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return [...new Set([...own, ...ALWAYS_IGNORED, ...leftOut])];
}

/** The manifests a pack's fetch step may read that this source has. */
async function presentManifests(pristine: string): Promise<string[]> {
  const found: string[] = [];
  for (const m of MANIFEST_PATHS) {
    const st = await lstat(join(pristine, m)).catch(() => undefined);
    if (st) found.push(m.endsWith('/') || st.isDirectory() ? `${m.replace(/\/$/, '')}/` : m);
  }
  return found;
}

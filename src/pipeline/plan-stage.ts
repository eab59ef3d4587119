// The plan stage, also `airlock plan`: lock, read the facts about the source and the clock, and decide everything.
import type { Config } from '../config/types.js';
import type { Log } from '../log.js';
import { readHostFacts } from '../lang/host-facts.js';
import { chooseEpoch } from './epoch.js';
import { lockForConfig } from './lock-stage.js';
import { makePlan, planJson, type BuildPlan } from './plan.js';
import { describeExecution, executionFor, stepsLockName, type Execution } from './execution.js';
import { hostArchitecture } from './host.js';
import { lockPath } from '../debian/lock.js';
import type { Lock } from '../debian/types.js';
import { airlockIdentity } from './version.js';

export type PlannedBuild = Awaited<ReturnType<typeof lockForConfig>> & {
  config: Config;
  epoch: { seconds: number; from: string };
  plan: BuildPlan;
  /** The plan as stable JSON. */
  json: string;
  /** Settings the build ignores, said once. */
  warnings: string[];
  /** Where the steps run (plan.execution, with the environment it adds). */
  execution: Execution;
  /** A cross build's steps run on a builder of the host's architecture, locked in airlock.lock.HOST.json. */
  stepsLock?: Lock;
  /** The host's network settings for fetch steps (files made visible, environment): read only when one runs. */
  hostNetwork(env: NodeJS.ProcessEnv): { files: string[]; env: Record<string, string> };
};

function ignoredSettings(config: Config): string[] {
  const warnings: string[] = [];
  for (const v of ['dev', 'test'] as const) {
    if (!config.variants[v].includeBuildTools) {
      warnings.push(`variants.${v}.include_build_tools is false, but ${v} is always built on the builder root file system; the setting is ignored`);
    }
  }
  if (config.variants.dev.stripBinaries || config.variants.test.stripBinaries) {
    warnings.push('strip_binaries applies to prod only; dev and test keep unstripped binaries for debugging');
  }
  return warnings;
}

/** Locks (or reuses the lock) and computes the build plan; a plan that cannot be made fails before any download. */
export async function planBuild(config: Config, configDigest: string, opts: {
  cache: string; log: Log; env: NodeJS.ProcessEnv; offline: boolean; locked: boolean; update: boolean;
  /** The machine's architecture (default: read from dpkg). */
  hostArchitecture?: string;
}): Promise<PlannedBuild> {
  const warnings = ignoredSettings(config);
  for (const w of warnings) opts.log.warn(w);
  const locked = await lockForConfig(config, configDigest, opts);
  const host = opts.hostArchitecture ?? hostArchitecture();
  const execution = executionFor(config, locked.pack, locked.srcInfo, host);
  if (execution.mode !== 'native') opts.log.info(describeExecution(execution));
  // The host's builder: the same requests locked for the host's architecture (the file a multi-architecture config
  // that lists the host already has, so both share one builder rootfs and its cache).
  const stepsLock = execution.mode === 'cross'
    ? (await lockForConfig({ ...config, debian: { ...config.debian, architecture: host } }, configDigest, {
      ...opts, lockFile: lockPath(config.file, stepsLockName(execution)), extraBuilder: execution.builderPackages,
    })).lock
    : undefined;
  const epoch = chooseEpoch(opts.env, config.source, locked.lock.indexEpoch);
  opts.log.info(`epoch ${epoch.seconds} (from ${epoch.from})`);
  const plan = makePlan({
    config, lock: locked.lock, pack: locked.pack, source: locked.srcInfo, requests: locked.requests,
    upstream: locked.upstream, epoch, airlockVersion: airlockIdentity(opts.cache), execution, ...(stepsLock ? { stepsLock } : {}),
  });
  const { pack } = locked;
  let network: { files: string[]; env: Record<string, string> } | undefined;
  return {
    ...locked, config, epoch, plan, json: planJson(plan), warnings, execution, ...(stepsLock ? { stepsLock } : {}),
    hostNetwork: (env) => {
      if (!network) {
        const host = readHostFacts(env, pack);
        network = { files: pack.networkFiles?.(host) ?? [], env: pack.networkEnv?.(host) ?? {} };
      }
      return network;
    },
  };
}

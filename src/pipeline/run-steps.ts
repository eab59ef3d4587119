// Runs the fetch, build and test steps of a config in the sandbox over the builder rootfs.
import type { Hardening } from '../config/types.js';
import { memoryLog, type Log } from '../log.js';
import { runInSandbox, runStep, type SandboxOptions } from '../sandbox/bwrap.js';
import { AirlockError } from '../errors.js';

export const SANDBOX_SRC = '/src';
export const SANDBOX_OUT = '/airlock/out';

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
  /** Host files visible in fetch steps only, and extra environment of fetch steps. */
  networkFiles?: string[];
  networkEnv?: Record<string, string>;
  log: Log;
}

/** The environment every step sees (no host variables leak in). */
export function baseEnv(ctx: Pick<StepContext, 'epoch' | 'langEnv' | 'userEnv'>): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/tmp/home',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    SOURCE_DATE_EPOCH: String(ctx.epoch),
    AIRLOCK_OUT: SANDBOX_OUT,
    ...ctx.langEnv,
    ...ctx.userEnv,
  };
}

function sandbox(ctx: StepContext, env: Record<string, string>, network: boolean): SandboxOptions {
  return {
    rootfs: ctx.rootfs,
    binds: [
      { host: ctx.srcDir, path: SANDBOX_SRC, writable: true },
      { host: ctx.outDir, path: SANDBOX_OUT, writable: true },
      ...(ctx.toolBinds ?? []).map((b) => ({ ...b, writable: false })),
      ...(ctx.caches ?? []).map((c) => ({ ...c, writable: true })),
    ],
    env: network ? { ...env, ...ctx.networkEnv } : env, cwd: SANDBOX_SRC, network, log: ctx.log,
    ...(network ? { networkFiles: ['/etc/resolv.conf', '/etc/hosts', ...(ctx.networkFiles ?? [])] } : {}),
  };
}

/** Compiler flags from the builder's own dpkg-buildflags: standard = Debian defaults, maximum = hardening=+all, none = none. */
export async function hardeningFlags(ctx: StepContext): Promise<Record<string, string>> {
  if (ctx.hardening === 'none') return {};
  const env = baseEnv(ctx);
  if (ctx.hardening === 'maximum') env.DEB_BUILD_MAINT_OPTIONS = 'hardening=+all';
  const captured = memoryLog();
  const r = await runInSandbox({ ...sandbox(ctx, env, false), log: captured }, 'dpkg-buildflags --export=sh');
  if (r.code !== 0) {
    throw new AirlockError('build', 'buildflags-failed', `dpkg-buildflags failed in the builder (exit ${r.code})`, { hint: 'the builder set needs dpkg-dev' });
  }
  const flags: Record<string, string> = {};
  for (const line of captured.lines.join('').split('\n')) {
    const m = /^export (\w+)="(.*)"$/.exec(line.trim());
    if (m && m[1] && m[2] !== undefined) flags[m[1]] = m[2];
  }
  // CMake and other build systems ignore CPPFLAGS: carry the preprocessor flags (FORTIFY_SOURCE) in the compiler
  // flags too, as debhelper does for CMake. A repeated identical -D is harmless for autotools and make.
  if (flags.CPPFLAGS) {
    for (const k of ['CFLAGS', 'CXXFLAGS']) if (flags[k] !== undefined) flags[k] = `${flags.CPPFLAGS} ${flags[k]}`;
  }
  if (ctx.hardening === 'maximum') {
    flags.DEB_BUILD_MAINT_OPTIONS = 'hardening=+all';
    // bookworm's dpkg-buildflags has no `branch` feature yet: add control-flow protection (CET) on x86 ourselves.
    if (['amd64', 'i386'].includes(ctx.architecture)) {
      for (const k of ['CFLAGS', 'CXXFLAGS', 'OBJCFLAGS', 'OBJCXXFLAGS']) {
        if (flags[k] !== undefined && !flags[k]!.includes('-fcf-protection')) flags[k] = `${flags[k]} -fcf-protection=full`;
      }
    }
  }
  return flags;
}

/** Runs fetch steps (network), then build and test steps (no network). Throws a build error on the first failure. */
export async function runSteps(ctx: StepContext, plan: StepPlan): Promise<{ env: Record<string, string> }> {
  const env = { ...baseEnv(ctx), ...(await hardeningFlags(ctx)) };
  for (const [i, cmd] of plan.fetch.entries()) await runStep(sandbox(ctx, env, true), `build.fetch[${i}]`, cmd);
  for (const [i, cmd] of plan.steps.entries()) await runStep(sandbox(ctx, env, false), `build.steps[${i}]`, cmd);
  for (const [i, cmd] of plan.test.entries()) await runStep(sandbox(ctx, env, false), `build.test[${i}]`, cmd);
  return { env };
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

// Where a build's steps run (pure): on a builder of the target architecture (native, or emulated under qemu-user
// when the host cannot run the target's programs), or on the host's builder with a cross-compiling toolchain.
import type { Config } from '../config/types.js';
import type { LanguagePack, SourceInfo } from '../lang/pack.js';
import { runsNatively } from './host.js';
import { phaseCommands } from './plan.js';

export type ExecutionMode = 'native' | 'cross' | 'emulated';

export interface Execution {
  mode: ExecutionMode;
  /** The architecture the images are for. */
  target: string;
  /** The architecture of the machine building them. */
  host: string;
  /** Why this mode (said in the log and the plan). */
  why: string;
  /** What the steps' environment gains to cross-compile (empty unless `cross`). */
  env: Record<string, string>;
  /** What the host's builder gains to cross-compile (the cross compilers); empty: the host's own builder. */
  builderPackages: string[];
}

/** Why a language's steps are emulated rather than cross-compiled, when its pack has nothing to say. */
const EMULATED_BECAUSE: Record<string, string> = {
  rust: 'Debian\'s Rust cross-compiling needs the target\'s standard library as a multiarch package, which a lock of one architecture does not hold',
  python: 'pip installs the target\'s wheels and builds native extensions with the target\'s interpreter',
  node: 'npm installs the target\'s native addons with the target\'s node',
  java: 'jlink links the target\'s JDK modules with the target\'s JDK',
};

const LANGUAGE_NAMES: Record<string, string> = { c: 'C', cpp: 'C++', go: 'Go' };

/**
 * The lock of the builder a cross build's steps run on: the host's own lock when it needs nothing more (it is the
 * host platform's lock when the config builds for the host too), else one of its own (`airlock.lock.HOST-to-TARGET`).
 */
export function stepsLockName(e: Execution): string {
  return e.builderPackages.length ? `${e.host}-to-${e.target}` : e.host;
}

/** Chooses how the steps of `config` (building for `target` on a `host` machine) run. */
export function chooseExecution(config: Config, pack: LanguagePack, commands: string[], target: string, host: string): Execution {
  const base = { target, host, env: {}, builderPackages: [] };
  if (runsNatively(host, target)) return { ...base, mode: 'native', why: target === host ? `building on ${host}` : `${host} runs ${target} programs natively` };
  if (config.build.cross === false) {
    return { ...base, mode: 'emulated', why: 'build.cross is false: the steps run in the target\'s own builder' };
  }
  const question = { commands, version: pack.parseVersion(config.version), devPackages: config.devPackages.map((p) => p.name) };
  const cross = pack.crossCompile?.(target, question);
  if (cross && 'env' in cross) {
    const vars = Object.entries(cross.env).filter(([k]) => !k.startsWith('DEB_') && !k.startsWith('QEMU_')).map(([k, v]) => `${k}=${v}`).join(' ');
    const tools = cross.builderPackages.length ? ` with ${cross.builderPackages.join(', ')}` : '';
    return { ...base, mode: 'cross', env: cross.env, builderPackages: cross.builderPackages, why: `${LANGUAGE_NAMES[config.language] ?? config.language} cross-compiles on the ${host} builder${tools} (${vars})` };
  }
  const why = cross?.emulate ?? EMULATED_BECAUSE[config.language] ?? `the ${config.language} steps run in the target's builder`;
  return { ...base, mode: 'emulated', why };
}

/** How the steps of `config` (for its `debian.architecture`) run on a `host` machine, judged on every phase's commands. */
export function executionFor(config: Config, pack: LanguagePack, source: SourceInfo, host: string): Execution {
  const p = phaseCommands(config, pack, source);
  return chooseExecution(config, pack, [...p.fetch, ...p.steps, ...p.test], config.debian.architecture, host);
}

/** One line for the log. */
export function describeExecution(e: Execution): string {
  if (e.mode === 'native') return `build steps run natively (${e.why})`;
  if (e.mode === 'cross') return `build steps for ${e.target}: ${e.why}; the ${e.target} builder gives dev, test and the libraries prod needs`;
  return `build steps for ${e.target} run emulated under qemu-user on this ${e.host} host (much slower): ${e.why}`;
}

// What a pack's fetch steps take from the host (package-manager configuration, CA bundle, proxies), read at the edge.
// The only place in src/lang that looks at the host: packs say what they ask (HostProbe) and turn the answers
// (HostFacts) into binds and environment with pure functions. Read only when a fetch step is about to run: npm's answer
// alone costs about 0.3 s, and nothing here is an input of the build plan or of a cache key.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** The host's CA bundle (Debian's path), bound into fetch steps when it exists. */
export const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** Facts about the host for one pack's fetch steps: plain data, read once by readHostFacts. */
export interface HostFacts {
  /** The host environment variables the pack asked for, those that are set (an empty value included). */
  env: Record<string, string>;
  /** Of the host paths the pack asked about (configuration files included), those that exist, files or folders. */
  existing: string[];
  /** Text of the configuration files the pack asked for, by path: those that exist and could be read. */
  configText: Record<string, string>;
  /** npm's answer to `npm config get registry` (trimmed), when the pack asked and npm answered. */
  npmRegistry?: string;
  /** HOST_CA_BUNDLE when it exists. */
  caBundle?: string;
}

/** What a pack asks of the host (pure functions of what is read before them); readHostFacts answers. */
export interface HostProbe {
  /** Names of the environment variables the pack reads. */
  env: readonly string[];
  /** Configuration files whose text the pack reads, from those variables. */
  configFiles?(env: Record<string, string>): string[];
  /** Paths whose existence the pack needs to know, from those variables and the configuration texts. */
  paths?(env: Record<string, string>, configText: Record<string, string>): string[];
  /** Whether the pack needs npm's registry setting (runs npm, about 0.3 s). */
  npmRegistry?: boolean;
}

/** Facts of a host with nothing to offer (a pack without a probe; tests). */
export const NO_HOST_FACTS: HostFacts = { env: {}, existing: [], configText: {} };

/**
 * Reads what `pack` asks of the host, with the host environment `env` (also npm's environment). The only I/O of the
 * language packs; call it once per build, where a fetch step actually runs, and hand the result to the pack.
 */
export function readHostFacts(env: NodeJS.ProcessEnv, pack: { hostProbe?: HostProbe }): HostFacts {
  const probe = pack.hostProbe;
  if (!probe) return NO_HOST_FACTS;
  const vars: Record<string, string> = {};
  for (const k of probe.env) if (env[k] !== undefined) vars[k] = env[k]!;
  const configs = probe.configFiles?.(vars) ?? [];
  const configText: Record<string, string> = {};
  for (const f of configs) {
    try { configText[f] = readFileSync(f, 'utf8'); } catch { /* missing or unreadable: not a configuration */ }
  }
  const asked = [...new Set([...configs, ...(probe.paths?.(vars, configText) ?? [])])];
  const facts: HostFacts = { env: vars, existing: asked.filter((p) => existsSync(p)), configText };
  if (existsSync(HOST_CA_BUNDLE)) facts.caBundle = HOST_CA_BUNDLE;
  if (probe.npmRegistry) {
    const answer = spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', env }).stdout?.trim();
    if (answer) facts.npmRegistry = answer;
  }
  return facts;
}

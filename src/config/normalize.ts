// WrittenConfig → Config: defaults applied, aliases resolved, paths made absolute, units converted. Pure.
import { posix, resolve, dirname } from 'node:path';
import { LANGUAGE_ALIASES, type WrittenConfig } from './schema.js';
import { parseSize } from './size.js';
import { splitCommand } from './command.js';
import { SECRET_PHASES } from './secrets-schema.js';
import type { SecretSpec } from './types.js';
import type { ArtifactSpec, Config, PackageRequest, RuntimeSettings, SourcesText, VariantName, VariantSettings } from './types.js';

export type { Config } from './types.js';

/** Inputs of normalization that do not come from the file. */
export interface NormalizeInputs {
  /** Absolute path of the config file. */
  file: string;
  /** Debian architecture to use when the config names none (the host's). */
  architecture: string;
}

/** Per-variant defaults (dev: everything, no strip; prod: nothing, strip; test: tools + source + tests). */
export const VARIANT_DEFAULTS: Record<VariantName, VariantSettings> = {
  dev: { includeBuildTools: true, includeSource: true, includeTests: true, stripBinaries: false, debugTools: ['gdb', 'strace'] },
  prod: { includeBuildTools: false, includeSource: false, includeTests: false, stripBinaries: true, debugTools: [] },
  test: { includeBuildTools: true, includeSource: true, includeTests: true, stripBinaries: false, debugTools: [] },
};

type WrittenItem = NonNullable<WrittenConfig['dev_packages']>[number];

/** One written package item as {name, version?}. */
export function packageRequest(item: WrittenItem): PackageRequest {
  if (typeof item === 'string') {
    const eq = item.indexOf('=');
    return eq < 0 ? { name: item } : { name: item.slice(0, eq), version: item.slice(eq + 1) };
  }
  const [name, version] = Object.entries(item)[0] ?? ['', ''];
  return { name, version: String(version) };
}

function requests(items: WrittenItem[]): PackageRequest[] {
  const seen = new Set<string>();
  const out: PackageRequest[] = [];
  for (const r of items.map(packageRequest)) if (!seen.has(r.name)) { seen.add(r.name); out.push(r); }
  return out;
}

/** Octal mode from "0755", "755" or the number 755 (read as octal digits); undefined when not octal. */
export function parseMode(mode: string | number): number | undefined {
  const s = String(mode);
  return /^0?[0-7]{3,4}$/.test(s) ? parseInt(s, 8) : undefined;
}

/** Splits an artifact `from` into its root and a clean relative path ('' = the root itself; may start with '..', which rules reject). */
export function artifactSource(from: string): { root: 'out' | 'src'; path: string } {
  const src = from.startsWith('src:');
  const rel = posix.normalize(src ? from.slice(4) : from).replace(/^\/+/, '').replace(/\/+$/, '');
  return { root: src ? 'src' : 'out', path: rel === '.' ? '' : rel };
}

function artifact(a: NonNullable<WrittenConfig['artifacts']>[number]): ArtifactSpec {
  const w = typeof a === 'string' ? { from: a } : a;
  const { root, path } = artifactSource(w.from);
  const spec: ArtifactSpec = { from: path, fromRoot: root, to: w.to ?? `/${path}` };
  const mode = w.mode === undefined ? undefined : parseMode(w.mode);
  if (mode !== undefined) spec.mode = mode;
  return spec;
}

/** A command as argv: lists as written, strings split like a simple shell command (unsplittable → one word; rules reports it). */
export function commandArgv(cmd: string | string[] | undefined): string[] | undefined {
  if (cmd === undefined || Array.isArray(cmd)) return cmd;
  const r = splitCommand(cmd);
  return 'argv' in r ? r.argv : [cmd];
}

/** "8080" / 8080 / "53/udp" → "8080/tcp" / "53/udp". */
export function normalizePort(p: string | number): string {
  const s = String(p);
  return s.includes('/') ? s : `${s}/tcp`;
}

function sortedStrings(rec: Record<string, string | number | boolean> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(rec ?? {}).sort()) out[k] = String(rec![k]);
  return out;
}

function runtime(r: WrittenConfig['runtime'] = {}): RuntimeSettings {
  const ports = [...new Set((r.ports ?? []).map(normalizePort))].sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
  const out: RuntimeSettings = { env: sortedStrings(r.env), ports, labels: sortedStrings(r.labels) };
  const entrypoint = commandArgv(r.entrypoint);
  const cmd = commandArgv(r.cmd);
  if (entrypoint) out.entrypoint = entrypoint;
  if (cmd) out.cmd = cmd;
  if (r.workdir !== undefined) out.workdir = r.workdir;
  if (r.user !== undefined) out.user = String(r.user);
  if (r.healthcheck) out.healthcheck = r.healthcheck;
  if (r.writable) out.writable = [...new Set(r.writable.map((p) => posix.normalize(p).replace(/(.)\/+$/, '$1')))].sort();
  return out;
}

function variants(v: WrittenConfig['variants'] = {}): Record<VariantName, VariantSettings> {
  const out = {} as Record<VariantName, VariantSettings>;
  for (const name of ['dev', 'prod', 'test'] as const) {
    const w: NonNullable<typeof v.dev> = v[name] ?? {}; // prod/test have no debug_tools: the schema rejects it there
    const d = VARIANT_DEFAULTS[name];
    const s: VariantSettings = {
      includeBuildTools: w.include_build_tools ?? d.includeBuildTools,
      includeSource: w.include_source ?? d.includeSource,
      includeTests: w.include_tests ?? d.includeTests,
      stripBinaries: w.strip_binaries ?? d.stripBinaries,
      debugTools: [...(w.debug_tools ?? d.debugTools)],
    };
    const max = w.max_size === undefined ? undefined : parseSize(w.max_size);
    if (max !== undefined) s.maxSize = max;
    out[name] = s;
  }
  return out;
}

/** deb822 when a `Types:` field is present, else one-line format; a list is one-line entries. */
export function sourcesText(s: string | string[]): SourcesText {
  if (Array.isArray(s)) return { format: 'one-line', text: s.map((l) => l.trim()).join('\n') + '\n' };
  return { format: /^\s*Types\s*:/im.test(s) ? 'deb822' : 'one-line', text: s.endsWith('\n') ? s : `${s}\n` };
}

function secretSpec(s: NonNullable<WrittenConfig['secrets']>[number], dir: string): SecretSpec {
  const source = s.file !== undefined ? { file: resolve(dir, s.file) } : { env: s.env ?? '' };
  const phases = SECRET_PHASES.filter((p) => (s.phases ?? SECRET_PHASES).includes(p));
  return { id: s.id, source, ...(s.as_env ? { asEnv: s.as_env } : {}), phases };
}

const list = (c: string | string[] | undefined) => (c === undefined ? undefined : Array.isArray(c) ? c : [c]);

/** Normalizes a validated written config. */
export function normalize(w: WrittenConfig, inputs: NormalizeInputs): Config {
  const dir = dirname(inputs.file);
  const nested = w.packages !== undefined && !Array.isArray(w.packages) ? w.packages : undefined;
  const runtimeList = Array.isArray(w.packages) ? w.packages : nested?.packages ?? [];
  const build: Config['build'] = {};
  for (const k of ['fetch', 'steps', 'test'] as const) {
    const l = list(w.build?.[k]);
    if (l) build[k] = l;
  }
  if (w.build?.workspace !== undefined) build.workspace = w.build.workspace;
  if (w.build?.coverage) build.coverage = { min: w.build.coverage.min };
  if (w.build?.cross === false) build.cross = false;
  const config: Config = {
    file: inputs.file,
    dir,
    name: w.name,
    tag: w.tag === undefined ? 'latest' : String(w.tag),
    language: LANGUAGE_ALIASES[w.base_language ?? 'c'],
    packages: requests(runtimeList),
    devPackages: requests([...(w.dev_packages ?? []), ...(nested?.dev_packages ?? [])]),
    source: resolve(dir, w.source ?? '.'),
    build,
    runtime: runtime(w.runtime),
    buildFlags: { hardening: w.build_flags?.hardening ?? 'standard' },
    variants: variants(w.variants),
    slicing: { mode: w.variants?.prod?.slicing ?? 'auto', keep: [...new Set((w.variants?.prod?.keep ?? []).map((g) => g.replace(/^\/+/, '')))] },
    debian: archs(w.debian, inputs.architecture),
  };
  const icu = w.variants?.prod?.icu;
  const languages = icu?.languages ? { languages: [...new Set(icu.languages)].sort() } : {};
  if (icu) config.icu = { ...languages, converters: icu.converters ?? true };
  if (w.version !== undefined) config.version = String(w.version);
  if (w.artifacts) config.artifacts = w.artifacts.map(artifact);
  if (w.deployment_policy) config.deploymentPolicy = w.deployment_policy;
  if (w.kubernetes) config.kubernetes = w.kubernetes;
  if (w.app_config) {
    const a = w.app_config;
    const overlays = { ...(a.dev ? { dev: resolve(dir, a.dev) } : {}), ...(a.prod ? { prod: resolve(dir, a.prod) } : {}) };
    config.appConfig = { base: resolve(dir, a.base), ...overlays, path: posix.normalize(a.path) };
  }
  if (w.secrets?.length) config.secrets = w.secrets.map((s) => secretSpec(s, dir));
  if (w.debian?.suite) config.debian.suite = w.debian.suite;
  if (w.debian?.sources !== undefined) config.debian.sources = sourcesText(w.debian.sources);
  if (w.debian?.keyring) config.debian.keyring = resolve(dir, w.debian.keyring);
  return config;
}

/** `debian.architecture(s)`: the list written (without repeats), else the one architecture, else the host's. */
function archs(d: { architecture?: string | undefined; architectures?: string[] | undefined } | undefined, host: string): { architecture: string; architectures: string[] } {
  const list = d?.architectures?.length ? [...new Set(d.architectures)] : [d?.architecture ?? host];
  return { architecture: list[0]!, architectures: list };
}

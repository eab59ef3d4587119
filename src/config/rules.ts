// Cross-field checks on a schema-valid config: collects every error and warning (pure; load positions them).
import { posix } from 'node:path';
import type { WrittenConfig } from './schema.js';
import type { Config } from './types.js';
import type { ConfigProblem } from './problems.js';
import { artifactSource, parseMode } from './normalize.js';
import { parseSize } from './size.js';
import { splitCommand } from './command.js';
import { deployRules, secretRules } from './deploy-rules.js';

/** Result of the rules: errors stop the tool, warnings are printed. */
export interface RuleResult {
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
}

function artifactRules(w: WrittenConfig, errors: ConfigProblem[]): void {
  (w.artifacts ?? []).forEach((a, i) => {
    const entry = typeof a === 'string' ? { from: a } : a;
    const fromPath = typeof a === 'string' ? ['artifacts', i] : ['artifacts', i, 'from'];
    const { root: fromRoot, path: rel } = artifactSource(entry.from);
    const src = fromRoot === 'src';
    const root = src ? 'the source tree' : 'the install root $AIRLOCK_OUT';
    if (rel === '..' || rel.startsWith('../')) errors.push({ path: fromPath, message: `\`${entry.from}\` escapes ${root}; artifact paths must stay inside it` });
    else if (rel === '') errors.push({ path: fromPath, message: `\`${entry.from}\` names all of ${root}; name the files or folders that cross the airlock` });
    else if (src && entry.to === undefined) errors.push({ path: ['artifacts', i], message: `\`to\` is required for \`${entry.from}\` (where should the file go in the images?)` });
    if (entry.to !== undefined) {
      if (!entry.to.startsWith('/')) errors.push({ path: ['artifacts', i, 'to'], message: `expected an absolute path (starting with /), got \`${entry.to}\`` });
      else if (posix.normalize(entry.to) === '/') errors.push({ path: ['artifacts', i, 'to'], message: 'cannot replace the root folder /' });
    }
    if (entry.mode !== undefined && (parseMode(entry.mode) === undefined)) errors.push({ path: ['artifacts', i, 'mode'], message: `expected octal digits such as 0755, got ${entry.mode}` });
  });
}

function runtimeRules(w: WrittenConfig, errors: ConfigProblem[], warnings: ConfigProblem[]): void {
  const r = w.runtime ?? {};
  for (const k of ['entrypoint', 'cmd'] as const) {
    const v = r[k];
    if (typeof v !== 'string') continue;
    const s = splitCommand(v);
    if ('error' in s) errors.push({ path: ['runtime', k], message: `cannot split into arguments: ${s.error}; write it as a list, e.g. ["/usr/bin/app", "--flag"] (prod has no shell)` });
  }
  if (r.workdir !== undefined && !r.workdir.startsWith('/')) errors.push({ path: ['runtime', 'workdir'], message: `expected an absolute path (starting with /), got \`${r.workdir}\`` });
  (r.ports ?? []).forEach((p, i) => {
    const n = parseInt(String(p), 10);
    if (!(n >= 1 && n <= 65535)) errors.push({ path: ['runtime', 'ports', i], message: `expected a port number from 1 to 65535, got ${p}` });
  });
  const user = r.user === undefined ? undefined : String(r.user);
  if (user !== undefined && (user === 'root' || /^0(:|$)/.test(user))) {
    warnings.push({ path: ['runtime', 'user'], message: `prod runs as root (${user}); it is safer as a non-root user (default 65532:65532)` });
  } else if (user !== undefined && !/^[0-9]/.test(user) && user !== 'nonroot') {
    warnings.push({ path: ['runtime', 'user'], message: `user \`${user}\` must exist in prod's /etc/passwd, which has only root and nonroot; a numeric "uid:gid" always works` });
  }
}

function packageRules(w: WrittenConfig, errors: ConfigProblem[], warnings: ConfigProblem[]): void {
  const nested = w.packages !== undefined && !Array.isArray(w.packages);
  if (nested && w.dev_packages && (w.packages as { dev_packages?: unknown }).dev_packages) {
    warnings.push({ path: ['packages', 'dev_packages'], message: 'dev_packages is given both here and at the top level; the lists are merged' });
  }
  const lists: [string, ConfigProblem['path'], NonNullable<WrittenConfig['dev_packages']>][] = [];
  if (w.dev_packages) lists.push(['dev_packages', ['dev_packages'], w.dev_packages]);
  if (Array.isArray(w.packages)) lists.push(['packages', ['packages'], w.packages]);
  else if (w.packages) {
    if (w.packages.dev_packages) lists.push(['dev_packages', ['packages', 'dev_packages'], w.packages.dev_packages]);
    if (w.packages.packages) lists.push(['packages', ['packages', 'packages'], w.packages.packages]);
  }
  const seen = new Map<string, { list: string; version?: string }>();
  for (const [list, path, items] of lists) {
    items.forEach((item, i) => {
      const req = typeof item === 'string' ? { name: item.split('=')[0]!, version: item.split('=')[1] } : { name: Object.keys(item)[0]!, version: String(Object.values(item)[0]) };
      const prev = seen.get(req.name);
      if (prev && prev.version !== undefined && req.version !== undefined && prev.version !== req.version) {
        errors.push({ path: [...path, i], message: `\`${req.name}\` is requested as ${req.version} here and as ${prev.version} in ${prev.list}` });
      } else if (prev) {
        warnings.push({ path: [...path, i], message: `\`${req.name}\` is already listed in ${prev.list}${list !== prev.list && prev.list === 'packages' ? ' (runtime packages are in the builder and dev images too)' : ''}` });
      } else seen.set(req.name, { list, ...(req.version !== undefined ? { version: req.version } : {}) });
    });
  }
}

function variantRules(w: WrittenConfig, c: Config, errors: ConfigProblem[], warnings: ConfigProblem[]): void {
  const prod = c.variants.prod;
  const what = { include_build_tools: [prod.includeBuildTools, 'the compiler and build tools'], include_source: [prod.includeSource, 'the source tree'], include_tests: [prod.includeTests, 'the tests'] } as const;
  for (const [key, [on, label]] of Object.entries(what)) {
    if (on) warnings.push({ path: ['variants', 'prod', key], message: `prod will contain ${label}; the airlock keeps them out of prod by default` });
  }
  if (c.icu && prod.includeBuildTools) warnings.push({ path: ['variants', 'prod', 'icu'], message: 'has no effect: with include_build_tools prod is the builder, with Debian\'s ICU data' });
  else if (c.icu && !c.icu.languages && c.icu.converters) warnings.push({ path: ['variants', 'prod', 'icu'], message: 'keeps all of ICU\'s data: list `languages` or set `converters: false`' });
  if (!c.variants.test.includeTests) warnings.push({ path: ['variants', 'test', 'include_tests'], message: 'the test image will have no tests to run' });
  for (const v of ['dev', 'prod', 'test'] as const) {
    const m = w.variants?.[v]?.max_size;
    if (m !== undefined && parseSize(m) === undefined) errors.push({ path: ['variants', v, 'max_size'], message: `cannot read the size ${JSON.stringify(m)}; use e.g. "50MB", "1.5 GiB" or a number of bytes` });
  }
  if (w.build_flags?.hardening === 'none') warnings.push({ path: ['build_flags', 'hardening'], message: 'hardening is off: binaries are built without PIE, RELRO, stack protector or FORTIFY_SOURCE' });
}

function debianRules(w: WrittenConfig, c: Config, errors: ConfigProblem[]): void {
  const s = c.debian.sources;
  if (!s || s.format !== 'one-line') return;
  s.text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (t && !t.startsWith('#') && !/^deb(-src)?\s+(\[[^\]]*\]\s+)?\S+\s+\S+/.test(t)) {
      errors.push({ path: Array.isArray(w.debian?.sources) ? ['debian', 'sources', i] : ['debian', 'sources'], message: `expected "deb URI SUITE [COMPONENT…]" or deb822 text, got ${JSON.stringify(t)}` });
    }
  });
}

/** What the rules need to know about the machine. */
export interface RuleInputs {
  /** The host's Debian architecture: another target's builder is made under emulation. */
  hostArchitecture: string;
}

/** Checks that span fields; `w` is the schema-valid written config and `c` its normalized form. */
export function checkRules(w: WrittenConfig, c: Config, inputs: RuleInputs): RuleResult {
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  architectureRules(w, c, inputs, errors, warnings);
  if (w.base_language === undefined) warnings.push({ path: [], message: 'base_language is not set; using the C toolchain (base_language: c)' });
  if (c.build.workspace !== undefined && c.language !== 'node') {
    warnings.push({ path: ['build', 'workspace'], message: 'build.workspace names an npm workspace (base_language: node); it is ignored here' });
  }
  artifactRules(w, errors);
  runtimeRules(w, errors, warnings);
  packageRules(w, errors, warnings);
  variantRules(w, c, errors, warnings);
  debianRules(w, c, errors);
  deployRules(w, c, errors, warnings);
  secretRules(w, errors);
  return { errors, warnings };
}

/** `debian.architecture` and `debian.architectures`: one or the other, no repeats; a foreign one needs qemu-user. */
function architectureRules(w: WrittenConfig, c: Config, inputs: RuleInputs, errors: ConfigProblem[], warnings: ConfigProblem[]): void {
  const list = w.debian?.architectures;
  if (list && w.debian?.architecture !== undefined) {
    errors.push({ path: ['debian', 'architecture'], message: 'give either debian.architecture or debian.architectures, not both' });
  }
  list?.forEach((a, i) => {
    if (list.indexOf(a) !== i) errors.push({ path: ['debian', 'architectures', i], message: `${a} is listed twice` });
  });
  const key = list ? 'architectures' : 'architecture';
  const foreign = c.debian.architectures.filter((a) => a !== inputs.hostArchitecture);
  // Whether a foreign architecture's steps cross-compile or are emulated is the plan's to say (it knows the pack).
  if (foreign.length) {
    warnings.push({ path: ['debian', key], message: `building for ${foreign.join(', ')} on this ${inputs.hostArchitecture} host: its builder is made under qemu-user (binfmt_misc), and steps that cannot cross-compile run there, much slower; \`airlock plan\` says which` });
  }
}

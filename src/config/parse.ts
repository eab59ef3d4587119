// Config text → Config, warnings and digest, or one ConfigError listing every problem with file:line:col (pure).
import { ZodArray, ZodObject, ZodOptional, type z } from 'zod';
import { WrittenConfigSchema, type WrittenConfig } from './schema.js';
import { normalize } from './normalize.js';
import { checkRules } from './rules.js';
import { configDigest } from './digest.js';
import { ConfigError, formatProblem, type ConfigProblem, type PositionedProblem } from './problems.js';
import { issuesToProblems } from './issues.js';
import { knownKeysAt } from './schema-walk.js';
import { parseYamlSource, type ConfigPath, type YamlSource } from './yaml-source.js';
import type { Config } from './types.js';

/** What a valid config gives the rest of the tool. */
export interface LoadedConfig {
  config: Config;
  /** Positioned warnings, e.g. "airlock.yaml:9:5: variants.prod.include_source: prod will contain the source tree …". */
  warnings: string[];
  /** sha256 of the package-resolution inputs (see digest.ts); the lock stores it. */
  digest: string;
}

/** Where the text came from and what the machine provides. */
export interface ParseInputs {
  /** Absolute path of the config file (relative paths in it resolve against its folder). */
  file: string;
  /** Name printed in problems (the path as the user wrote it). Default: `file`. */
  displayName?: string;
  /** Host Debian architecture (e.g. `dpkg --print-architecture`): the default target, and what build steps run on. */
  architecture: string;
}

function place(src: YamlSource, file: string, problems: ConfigProblem[]): PositionedProblem[] {
  return problems.map((p) => ({ ...p, file, position: src.positionOf(p.path, p.atKey ?? false) }));
}

/** Top-level keys starting with `x-` are extensions (e.g. anchors to reuse with *aliases), ignored like in Compose files. */
export function withoutExtensions(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('x-')));
}

/** Settings written with no value (`build:` with every line commented out) count as not written; free maps (env, labels, policy) keep their nulls. */
export function withoutEmptySettings(value: unknown, path: ConfigPath = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => withoutEmptySettings(v, [...path, i]));
  if (value === null || typeof value !== 'object') return value;
  const known = new Set(knownKeysAt(WrittenConfigSchema, path));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null && known.has(k)) continue;
    out[k] = known.has(k) ? withoutEmptySettings(v, [...path, k]) : v;
  }
  return out;
}

/** A harmless stand-in for an invalid list item, so the rules keep the other items' indexes. */
const PLACEHOLDER_ITEM: Record<string, unknown> = { artifacts: 'placeholder', packages: 'placeholder', dev_packages: 'placeholder' };

function unwrap(s: z.ZodType): z.ZodType {
  return s instanceof ZodOptional ? unwrap(s.unwrap() as z.ZodType) : s;
}

/** The parts that are valid on their own (sections, their fields, list items), so the rules can still check them. */
function validParts(value: Record<string, unknown>): WrittenConfig {
  const out: Record<string, unknown> = { name: 'placeholder', base_language: 'c' };
  const shape = WrittenConfigSchema.shape as Record<string, z.ZodType>;
  for (const [k, v] of Object.entries(value)) {
    const schema = shape[k];
    if (!schema) continue;
    const whole = schema.safeParse(v);
    if (whole.success) { out[k] = whole.data; continue; }
    const inner = unwrap(schema);
    if (inner instanceof ZodObject && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const fields: Record<string, unknown> = {};
      for (const [f, fv] of Object.entries(v)) {
        const r = (inner.shape as Record<string, z.ZodType>)[f]?.safeParse(fv);
        if (r?.success) fields[f] = r.data;
      }
      const r = inner.safeParse(fields);
      if (r.success) out[k] = r.data;
    } else if (inner instanceof ZodArray && Array.isArray(v) && k in PLACEHOLDER_ITEM) {
      const r = inner.safeParse(v.map((item) => (inner.element as z.ZodType).safeParse(item).success ? item : PLACEHOLDER_ITEM[k]));
      if (r.success) out[k] = r.data;
    }
  }
  return out as WrittenConfig;
}

/** Parses and validates config text; throws ConfigError (usage, exit 2) with all problems. */
export function parseConfig(text: string, inputs: ParseInputs): LoadedConfig {
  const shown = inputs.displayName ?? inputs.file;
  const src = parseYamlSource(text);
  if (src.syntaxProblems.length) {
    throw new ConfigError(shown, src.syntaxProblems.map((s) => ({ path: [], message: `YAML syntax: ${s.message}`, file: shown, position: s.position })));
  }
  if (src.value === null || typeof src.value !== 'object' || Array.isArray(src.value)) {
    const message = src.value === null ? 'the file is empty; expected a map with at least `name` (and usually `base_language`)' : 'expected a map of settings (name: …, base_language: …) at the top level';
    throw new ConfigError(shown, [{ path: [], message, file: shown, position: src.positionOf([]) }]);
  }
  const value = withoutEmptySettings(withoutExtensions(src.value as Record<string, unknown>)) as Record<string, unknown>;
  const parsed = WrittenConfigSchema.safeParse(value);
  if (!parsed.success) {
    const problems = issuesToProblems(parsed.error.issues, value, WrittenConfigSchema);
    const partial = validParts(value);
    const more = checkRules(partial, normalize(partial, { file: inputs.file, architecture: inputs.architecture }), { hostArchitecture: inputs.architecture }).errors;
    throw new ConfigError(shown, place(src, shown, [...problems, ...more]));
  }
  const config = normalize(parsed.data, { file: inputs.file, architecture: inputs.architecture });
  const rules = checkRules(parsed.data, config, { hostArchitecture: inputs.architecture });
  if (rules.errors.length) throw new ConfigError(shown, place(src, shown, rules.errors));
  const warnings = place(src, shown, rules.warnings)
    .sort((a, b) => a.position.line - b.position.line || a.position.col - b.position.col)
    .map(formatProblem);
  return { config, warnings, digest: configDigest(config) };
}

// Config text → Config, warnings and digest, or one ConfigError listing every problem with file:line:col (pure).
import { WrittenConfigSchema } from './schema.js';
import { normalize } from './normalize.js';
import { checkRules } from './rules.js';
import { configDigest } from './digest.js';
import { ConfigError, formatProblem, issuesToProblems, type ConfigProblem, type PositionedProblem } from './problems.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';
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
  /** Host Debian architecture, used when the config names none. */
  architecture: string;
}

function place(src: YamlSource, file: string, problems: ConfigProblem[]): PositionedProblem[] {
  return problems.map((p) => ({ ...p, file, position: src.positionOf(p.path, p.atKey ?? false) }));
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
  const parsed = WrittenConfigSchema.safeParse(src.value);
  if (!parsed.success) throw new ConfigError(shown, place(src, shown, issuesToProblems(parsed.error.issues, src.value, WrittenConfigSchema)));
  const config = normalize(parsed.data, { file: inputs.file, architecture: inputs.architecture });
  const rules = checkRules(parsed.data, config);
  if (rules.errors.length) throw new ConfigError(shown, place(src, shown, rules.errors));
  const warnings = place(src, shown, rules.warnings)
    .sort((a, b) => a.position.line - b.position.line || a.position.col - b.position.col)
    .map(formatProblem);
  return { config, warnings, digest: configDigest(config) };
}

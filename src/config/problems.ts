// Config problems: what one problem is, how it prints (file:line:col: path: message), and the one ConfigError.
import { AirlockError } from '../errors.js';
import type { ConfigPath, Position } from './yaml-source.js';

/** One problem in the config, before positioning. */
export interface ConfigProblem {
  path: ConfigPath;
  message: string;
  /** Point at the key rather than the value (unknown keys). */
  atKey?: boolean;
  suggestion?: string;
}

/** `variants.prod.strip_binaries`, `packages[2]`, `runtime.labels["org.opencontainers.image.title"]`. */
export function dottedPath(path: ConfigPath): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k)) out += out ? `.${k}` : k;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out || '(top level)';
}

/** `a`, `a or b`, `a, b or c`. */
export const orList = (xs: string[]): string => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);

/** A short description of a written value: `string "yes"`, `number 5`, `a list`, `a map`, `nothing`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}

/** A problem positioned in a file, ready to print. */
export interface PositionedProblem extends ConfigProblem {
  file: string;
  position: Position;
}

/** `airlock.yaml:12:5: variants.prod.strip_binaries: expected …, got … (did you mean `x`?)` */
export function formatProblem(p: PositionedProblem): string {
  const where = `${p.file}:${p.position.line}:${p.position.col}`;
  return `${where}: ${p.path.length ? `${dottedPath(p.path)}: ` : ''}${p.message}${p.suggestion ? ` (did you mean \`${p.suggestion}\`?)` : ''}`;
}

/** The one error for an invalid config: every problem, in file order. Exit code 2. */
export class ConfigError extends AirlockError {
  readonly problems: PositionedProblem[];
  constructor(file: string, problems: PositionedProblem[]) {
    const sorted = [...problems].sort((a, b) => a.position.line - b.position.line || a.position.col - b.position.col);
    const n = sorted.length;
    super('usage', 'invalid-config', `${file} has ${n} problem${n === 1 ? '' : 's'}:\n${sorted.map((p) => `  ${formatProblem(p)}`).join('\n')}`, {
      hint: 'fix the lines above; every field is described in docs/config.md (editors can use schema/airlock.schema.json)',
    });
    this.problems = sorted;
  }
}

// Config problems: zod issues turned into "path: expected …, got …" with suggestions, and their file:line:col text.
import { z } from 'zod';
import { AirlockError } from '../errors.js';
import { suggest } from './suggest.js';
import { IMAGE_NAME, TAG } from './schema.js';
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

const TYPE_NAMES: Record<string, string> = {
  string: 'a string', number: 'a number', boolean: 'a boolean (true or false)', array: 'a list', object: 'a map', record: 'a map',
};

/** Words YAML 1.1 read as booleans but YAML 1.2 (and airlock) reads as strings. */
const YAML11_BOOLEANS: Record<string, string> = { yes: 'true', no: 'false', on: 'true', off: 'false', y: 'true', n: 'false', true: 'true', false: 'false' };

function valueAt(root: unknown, path: ConfigPath): unknown {
  let v = root;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

/** Object keys the schema allows at `path` (through optionals, unions, arrays and records). */
export function knownKeysAt(schema: z.ZodType, path: ConfigPath): string[] {
  let level: z.ZodType[] = [schema];
  const expand = (s: z.ZodType): z.ZodType[] =>
    s instanceof z.ZodOptional || s instanceof z.ZodDefault ? expand(s.unwrap() as z.ZodType)
      : s instanceof z.ZodUnion ? (s.options as z.ZodType[]).flatMap(expand) : [s];
  for (const k of path) {
    level = level.flatMap(expand).flatMap((s): z.ZodType[] => {
      if (s instanceof z.ZodObject && typeof k === 'string') return s.shape[k] ? [s.shape[k] as z.ZodType] : [];
      if (s instanceof z.ZodArray && typeof k === 'number') return [s.element as z.ZodType];
      if (s instanceof z.ZodRecord) return [s.valueType as z.ZodType];
      return [];
    });
  }
  const keys = level.flatMap(expand).flatMap((s) => (s instanceof z.ZodObject ? Object.keys(s.shape) : []));
  return [...new Set(keys)].sort();
}

/** Where each key may appear: key → dotted parents ('' = top level), e.g. strip_binaries → [variants.dev, variants.prod, variants.test]. */
export function keyLocations(schema: z.ZodType): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (s: z.ZodType, at: string): void => {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) return walk(s.unwrap() as z.ZodType, at);
    if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).forEach((o) => walk(o, at));
    if (s instanceof z.ZodArray) return walk(s.element as z.ZodType, `${at}[]`);
    if (!(s instanceof z.ZodObject)) return;
    for (const [k, v] of Object.entries(s.shape as Record<string, z.ZodType>)) {
      const list = out.get(k) ?? [];
      if (!list.includes(at)) list.push(at);
      out.set(k, list);
      walk(v, at ? `${at}.${k}` : k);
    }
  };
  walk(schema, '');
  return out;
}

function placesText(places: string[]): string {
  const nested = places.filter((p) => p).map((p) => `\`${p}\``);
  const list = (xs: string[]) => (xs.length === 1 ? xs[0]! : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);
  const parts = [...(places.includes('') ? ['at the top level'] : []), ...(nested.length ? [`under ${list(nested)}`] : [])];
  return parts.join(' or ');
}

function unknownKey(key: string, path: ConfigPath, schema: z.ZodType): ConfigProblem {
  const known = knownKeysAt(schema, path);
  const here = path.filter((k) => typeof k === 'string').join('.');
  const elsewhere = (keyLocations(schema).get(key) ?? []).filter((p) => p.replace(/\[\]/g, '') !== here && p.split('.').pop() !== key);
  const at = [...path, key];
  if (key === 'debug_tools') {
    return { path: at, atKey: true, message: 'unknown key `debug_tools`: debugging tools are only added to the dev image (variants.dev.debug_tools)' };
  }
  if (elsewhere.length) {
    return { path: at, atKey: true, message: `\`${key}\` does not belong here; it goes ${placesText(elsewhere)} (check the indentation)` };
  }
  const suggestion = suggest(key, known);
  const message = `unknown key \`${key}\`${suggestion ? '' : `; expected one of: ${known.join(', ')}`}`;
  return { path: at, message, atKey: true, ...(suggestion ? { suggestion } : {}) };
}

/** A valid spelling of an invalid image name, tag or package name (lowercased, bad characters replaced), if one is obvious. */
export function fixValue(path: ConfigPath, v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const top = path[0];
  let fixed: string | undefined;
  let valid: RegExp | undefined;
  if (path.length === 1 && top === 'name') {
    fixed = v.toLowerCase().replace(/[^a-z0-9._/-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').replace(/\/[^a-z0-9]+/g, '/');
    valid = IMAGE_NAME;
  } else if (path.length === 1 && top === 'tag') {
    fixed = v.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').slice(0, 123);
    valid = TAG;
  } else if ((top === 'packages' || top === 'dev_packages') && typeof path[path.length - 1] === 'number') {
    fixed = v.replace(/^[^=]+/, (n) => n.toLowerCase().replace(/_/g, '-'));
    valid = /^[a-z0-9][a-z0-9+.-]+(=.+)?$/;
  }
  return fixed && fixed !== v && valid?.test(fixed) ? fixed : undefined;
}

/** Turns zod issues into problems: one per unknown key, unions reduced to the branch the user meant. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], root: unknown, schema: z.ZodType, base: ConfigPath = []): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const iss of issues) {
    const path = [...base, ...(iss.path as ConfigPath)];
    const got = describeValue(valueAt(root, path));
    const own = iss.message.startsWith('expected');
    switch (iss.code) {
      case 'unrecognized_keys':
        for (const key of iss.keys) out.push(unknownKey(key, path, schema));
        break;
      case 'invalid_union': {
        const meant = iss.errors.filter((b) => !(b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === 0));
        if (meant.length === 1) {
          out.push(...issuesToProblems(meant[0]!, root, schema, path));
          break;
        }
        const types = iss.errors.flatMap((b) => b.filter((i) => i.code === 'invalid_type').map((i) => TYPE_NAMES[(i as { expected: string }).expected] ?? (i as { expected: string }).expected));
        out.push({ path, message: `${own ? iss.message : `expected ${orList([...new Set(types)])}`}, got ${got}` });
        break;
      }
      case 'invalid_type': {
        const v = valueAt(root, path);
        const boolean = iss.expected === 'boolean' && typeof v === 'string' ? YAML11_BOOLEANS[v.toLowerCase()] : undefined;
        out.push({
          path,
          message: own ? `${iss.message}, got ${got}` : v === undefined ? `missing required key \`${String(path[path.length - 1])}\` (${TYPE_NAMES[iss.expected] ?? iss.expected})` : `expected ${TYPE_NAMES[iss.expected] ?? iss.expected}, got ${got}`,
          ...(boolean ? { suggestion: boolean } : {}),
        });
        break;
      }
      case 'invalid_value': {
        const values = iss.values.map(String);
        const v = valueAt(root, path);
        const suggestion = typeof v === 'string' ? suggest(v, values) : undefined;
        out.push({ path, message: `expected one of ${values.join(', ')}, got ${got}`, ...(suggestion ? { suggestion } : {}) });
        break;
      }
      case 'invalid_key': {
        const key = String(iss.path[iss.path.length - 1]);
        const first = iss.issues[0];
        out.push({ path, atKey: true, message: `invalid key \`${key}\`: ${first?.message.startsWith('expected') ? first.message : 'not allowed here'}` });
        break;
      }
      default: {
        const fixed = fixValue(path, valueAt(root, path));
        out.push({ path, message: own ? `${iss.message}, got ${got}` : `${iss.message.replace(/^Invalid input: /, '')}, got ${got}`, ...(fixed ? { suggestion: fixed } : {}) });
      }
    }
  }
  return out;
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

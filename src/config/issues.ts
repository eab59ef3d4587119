// zod issues → config problems: "expected …, got …", unions reduced to the branch meant, unknown keys with suggestions.
import type { z } from 'zod';
import { suggest } from './suggest.js';
import { IMAGE_NAME, TAG } from './schema.js';
import { describeValue, orList, type ConfigProblem } from './problems.js';
import { keyLocations, knownKeysAt } from './schema-walk.js';
import type { ConfigPath } from './yaml-source.js';

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
        const v = valueAt(root, path);
        const listed = typeof v === 'string' && iss.errors.some((b) => b.some((i) => i.code === 'invalid_type' && (i as { expected: string }).expected === 'array'));
        const types = iss.errors.flatMap((b) => b.filter((i) => i.code === 'invalid_type').map((i) => TYPE_NAMES[(i as { expected: string }).expected] ?? (i as { expected: string }).expected));
        out.push({ path, message: `${own ? iss.message : `expected ${orList([...new Set(types)])}`}, got ${got}`, ...(listed ? { suggestion: `[${v}]` } : {}) });
        break;
      }
      case 'invalid_type': {
        const v = valueAt(root, path);
        const boolean = iss.expected === 'boolean' && typeof v === 'string' ? YAML11_BOOLEANS[v.toLowerCase()] : undefined;
        const fix = boolean ?? (iss.expected === 'array' && typeof v === 'string' ? `[${v}]` : undefined);
        out.push({
          path,
          message: own ? `${iss.message}, got ${got}` : v === undefined ? `missing required key \`${String(path[path.length - 1])}\` (${TYPE_NAMES[iss.expected] ?? iss.expected})` : `expected ${TYPE_NAMES[iss.expected] ?? iss.expected}, got ${got}`,
          ...(fix ? { suggestion: fix } : {}),
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

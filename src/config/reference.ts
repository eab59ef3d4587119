// docs/config.md: a field-by-field reference rendered from the generated JSON Schema (pure).
import { ALWAYS_IGNORED } from './ignore.js';
type Json = Record<string, unknown>;

/** Where the committed reference is published, relative to the repository root. */
export const REFERENCE_PATH = 'docs/config.md';

/** The sample config shown at the end of the reference, relative to the repository root. */
export const EXAMPLE_PATH = 'examples/config-samples/full.yaml';

function deref(s: Json, root: Json): Json {
  const ref = s.$ref as string | undefined;
  if (!ref?.startsWith('#/$defs/')) return s;
  const target = (root.$defs as Record<string, Json>)[ref.slice(8)] ?? {};
  return { ...target, ...s, $ref: undefined };
}

/** A short type for the table: `string`, `boolean`, `list of package`, `one of: none, standard, maximum`, `string or number`. */
function typeOf(schema: Json, root: Json): string {
  const s = deref(schema, root);
  const ref = schema.$ref as string | undefined;
  if (ref && ref.startsWith('#/$defs/')) return ref.slice(8);
  if (Array.isArray(s.enum)) return `one of: ${(s.enum as unknown[]).map((v) => `\`${String(v)}\``).join(', ')}`;
  if (Array.isArray(s.anyOf)) return [...new Set((s.anyOf as Json[]).map((a) => typeOf(a, root)))].join(' or ');
  if (s.type === 'array') return `list of ${typeOf((s.items as Json) ?? {}, root)}`;
  if (s.type === 'object') return s.properties ? 'map (fields below)' : 'map';
  if (s.type === 'integer') return 'integer';
  return typeof s.type === 'string' ? s.type : 'any';
}

function objectsIn(schema: Json, root: Json): Json[] {
  const s = deref(schema, root);
  if (s.properties) return [s];
  if (Array.isArray(s.anyOf)) return (s.anyOf as Json[]).flatMap((a) => objectsIn(a, root));
  if (s.type === 'array' && s.items) return objectsIn(s.items as Json, root);
  return [];
}

function rows(schema: Json, root: Json, prefix: string, out: string[]): void {
  for (const obj of objectsIn(schema, root)) {
    const required = new Set((obj.required as string[] | undefined) ?? []);
    for (const [key, prop] of Object.entries(obj.properties as Record<string, Json>)) {
      const s = deref(prop, root);
      const path = `${prefix}${key}`;
      const description = String(s.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
      out.push(`| \`${path}\` | ${typeOf(prop, root).replace(/\|/g, '\\|')} | ${required.has(key) ? 'yes' : 'no'} | ${description} |`);
      rows(prop, root, `${path}${s.type === 'array' ? '[]' : ''}.`, out);
    }
  }
}

/** Renders the Markdown reference of every field (dotted paths, type, required, description with default and example), then a full example. */
export function renderReference(schema: Json, example?: { path: string; text: string }): string {
  const out = [
    '# airlock.yaml reference',
    '',
    '<!-- Generated from src/config/schema.ts by `node --import tsx scripts/gen-schema.ts`; do not edit by hand. -->',
    '',
    String(schema.description ?? ''),
    '',
    'Editors: point the YAML language server at `schema/airlock.schema.json`, e.g. a first line',
    '`# yaml-language-server: $schema=./schema/airlock.schema.json`.',
    '',
    'Scalars keep the text you wrote where a string is meant: `version: 1.10` is "1.10", `mode: 0755` is octal 0755.',
    'Booleans are YAML 1.2: write `true`/`false` (`yes`/`no` are strings and are rejected with a suggestion).',
    'Top-level keys starting with `x-` are ignored: use them to hold anchors (`x-common: &common …`) reused with aliases (`*common`).',
    '',
    '| Field | Type | Required | Description |',
    '|---|---|---|---|',
  ];
  rows(schema, schema, '', out);
  const defs = (schema.$defs ?? {}) as Record<string, Json>;
  for (const [name, def] of Object.entries(defs)) out.push('', `**${name}**: ${String(def.description ?? '')}`);
  out.push(
    '',
    '## The build context and ignore files',
    '',
    '`source` (default: the config\'s folder) is copied into the builder at /src; your tree is never modified.',
    '`.airlockignore` is read when present, else `.dockerignore`, with Docker\'s rules: one pattern a line, `#` comments,',
    'patterns relative to the context root (a leading `/` changes nothing, `*.o` matches only at the top; use `**/*.o` for any depth),',
    '`*` and `?` stay within one path part, `**` spans parts, `[a-z]` classes, `\\` escapes, `!pattern` re-includes,',
    'the last matching line wins, a pattern also matches everything below a matching folder, and a trailing `/` is ignored.',
    `Always left out: ${ALWAYS_IGNORED.map((p) => `\`${p}\``).join(', ')} (the default output folder). \`node_modules\` is not left out unless you say so.`,
  );
  if (example) out.push('', '## A complete example', '', `From \`${example.path}\` (loaded by the tests):`, '', '```yaml', example.text.trimEnd(), '```');
  return `${out.join('\n')}\n`;
}

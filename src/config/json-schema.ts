// The JSON Schema of airlock.yaml, generated from the zod schema (committed as schema/airlock.schema.json for editors).
import { z } from 'zod';
import { WrittenConfigSchema } from './schema.js';

/** Where the committed schema is published, relative to the repository root. */
export const SCHEMA_PATH = 'schema/airlock.schema.json';

/** The JSON Schema (draft 2020-12) of what users may write; accepts what YAML editors see (e.g. `version: 3.12` as a number). */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(WrittenConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  // Top-level `x-…` keys are extensions (anchors for aliases), ignored by the loader.
  return { $schema, title: 'airlock.yaml', ...rest, patternProperties: { '^x-': {} } };
}

/** The schema file's exact text (2-space JSON, trailing newline). */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

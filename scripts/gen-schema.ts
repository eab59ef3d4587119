// Writes schema/airlock.schema.json and docs/config.md from the zod schema (src/config/schema.ts). Run after changing it:
//   node --import tsx scripts/gen-schema.ts
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchema, configJsonSchemaText, SCHEMA_PATH } from '../src/config/json-schema.js';
import { EXAMPLE_PATH, renderReference, REFERENCE_PATH } from '../src/config/reference.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function writeAtomic(rel: string, text: string): void {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  console.log(`wrote ${rel} (${text.length} bytes)`);
}

writeAtomic(SCHEMA_PATH, configJsonSchemaText());
writeAtomic(REFERENCE_PATH, renderReference(configJsonSchema(), { path: EXAMPLE_PATH, text: readFileSync(join(root, EXAMPLE_PATH), 'utf8') }));

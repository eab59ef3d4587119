// Writes schema/airlock.schema.json and docs/config.md from the zod schema (src/config/schema.ts). Run after changing it:
//   node --import tsx scripts/gen-schema.ts
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchema, configJsonSchemaText, SCHEMA_PATH } from '../src/config/json-schema.js';
import { EXAMPLE_PATH, renderReference, REFERENCE_PATH } from '../src/config/reference.js';
import { writeFileAtomic } from '../src/files/atomic.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function write(rel: string, text: string): Promise<void> {
  await writeFileAtomic(join(root, rel), text);
  console.log(`wrote ${rel} (${text.length} bytes)`);
}

const example = readFileSync(join(root, EXAMPLE_PATH), 'utf8');
await write(SCHEMA_PATH, configJsonSchemaText());
await write(REFERENCE_PATH, renderReference(configJsonSchema(), { path: EXAMPLE_PATH, text: example }));

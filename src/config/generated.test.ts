// The committed JSON Schema and docs/config.md match what the zod schema generates, and the schema agrees with the loader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import fc from 'fast-check';
import { WrittenConfigSchema } from './schema.js';
import { keyLocations } from './schema-walk.js';
import { configJsonSchema, configJsonSchemaText, SCHEMA_PATH } from './json-schema.js';
import { EXAMPLE_PATH, renderReference, REFERENCE_PATH } from './reference.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REGENERATE = 'regenerate with: node --import tsx scripts/gen-schema.ts (then commit the result)';

test('schema/airlock.schema.json is up to date', () => {
  assert.equal(readFileSync(join(root, SCHEMA_PATH), 'utf8'), configJsonSchemaText(), `${SCHEMA_PATH} is stale; ${REGENERATE}`);
});

test('docs/config.md is up to date and documents every field', () => {
  const doc = readFileSync(join(root, REFERENCE_PATH), 'utf8');
  const example = { path: EXAMPLE_PATH, text: readFileSync(join(root, EXAMPLE_PATH), 'utf8') };
  assert.equal(doc, renderReference(configJsonSchema(), example), `${REFERENCE_PATH} is stale; ${REGENERATE}`);
  for (const field of ['name', 'base_language', 'packages.dev_packages', 'variants.prod.strip_binaries', 'variants.dev.debug_tools', 'artifacts[].from', 'runtime.ports', 'debian.sources', 'deployment_policy']) {
    assert.ok(doc.includes(`| \`${field}\` |`), `docs/config.md lacks ${field}`);
  }
  assert.doesNotMatch(doc, /\| \| no \|/, 'every row has a description');
});

test('the committed JSON Schema accepts the samples and rejects what the loader rejects', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(join(root, SCHEMA_PATH), 'utf8')));
  const dir = join(root, 'examples', 'config-samples');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
    assert.ok(validate(parse(readFileSync(join(dir, f), 'utf8'))), `${f}: ${JSON.stringify(validate.errors)}`);
  }
  const bad: unknown[] = [
    { base_language: 'c' },
    { name: 'Upper' },
    { name: 'a', dev_packages: ['Bad_Name'] },
    { name: 'a', packages: [{ a1: '1', b1: '2' }] },
    { name: 'a', variants: { prod: { debug_tools: ['gdb'] } } },
    { name: 'a', build_flags: { hardening: 'max' } },
    { name: 'a', strip_binaries: true },
    { name: 'a', runtime: { ports: ['80/xyz'] } },
    { name: 'a', tag: '-bad' },
  ];
  for (const b of bad) assert.equal(validate(b), false, JSON.stringify(b));
  assert.equal(validate({ name: 'a', 'x-common': { any: 'thing' } }), true, 'x- extension keys are allowed');
});

test('the JSON Schema and the zod schema accept exactly the same values (differential, fast-check)', () => {
  const ajv = new Ajv2020({ strict: false });
  const validate = ajv.compile(configJsonSchema());
  const keys = [...keyLocations(WrittenConfigSchema).keys(), 'zz', 'a1'];
  const leaf = fc.oneof(
    fc.constantFrom('c', 'c++', 'gcc-12', 'curl', 'curl=1.0-1', 'Bad', '0755', '755', '/usr/bin/a', 'src:a', '8080', '53/udp', '50MB', '1.5 GiB', 'maximum', 'app', 'latest', 'amd64', 'bookworm', 'x y', ''),
    fc.string({ maxLength: 8 }), fc.integer({ min: -2, max: 70000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
  );
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...keys), tie('v'), { maxKeys: 3 })),
  })).v;
  const config = fc.record({ name: fc.constantFrom('app', 'my-app/web', 'Bad') }, { requiredKeys: [] }).chain((base) =>
    fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 5 }).map((rest) => ({ ...base, ...rest })));
  let accepted = 0;
  fc.assert(fc.property(config, (c) => {
    const z = WrittenConfigSchema.safeParse(c).success;
    assert.equal(validate(c), z, `zod says ${z} for ${JSON.stringify(c)}`);
    if (z) accepted++;
  }), { numRuns: 1500, seed: 11 });
  assert.ok(accepted > 20, `too few valid samples (${accepted}) for the comparison to mean anything`);
});

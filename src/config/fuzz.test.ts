// Property tests: any YAML gives a Config or one ConfigError with in-file positions (never a crash); command splitting round-trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseConfig } from './parse.js';
import { ConfigError } from './problems.js';
import { keyLocations } from './schema-walk.js';
import { WrittenConfigSchema } from './schema.js';
import { splitCommand } from './command.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { loadConfig } from './load.js';
import { textMutations } from '../../test/helpers/mutate.js';

const keys = [...keyLocations(WrittenConfigSchema).keys(), 'zz', 'dev-packages', 'src:x'];
const leaf = fc.oneof(fc.constantFrom('c', 'gcc-12', 'curl', '0755', '../x', 'src:a', '/usr/bin/a', '8080', '50MB', 'yes', ''), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...keys), tie('v'), { maxKeys: 4 })),
})).v;
const config = fc.record({ name: fc.oneof(fc.constant('app'), fc.string()) }, { requiredKeys: [] }).chain((base) =>
  fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 }).map((rest) => ({ ...base, ...rest })));

function check(text: string): void {
  try {
    const r = parseConfig(text, { file: '/p/airlock.yaml', displayName: 'airlock.yaml', architecture: 'amd64' });
    assert.match(r.digest, /^[0-9a-f]{64}$/);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const lineCount = text.split('\n').length;
    assert.ok(e.problems.length > 0);
    for (const p of e.problems) assert.ok(p.position.line >= 1 && p.position.line <= lineCount && p.position.col >= 1, JSON.stringify(p));
  }
}

test('random configs are accepted or rejected cleanly, with positions inside the file', () => {
  fc.assert(fc.property(config, (c) => check(stringify(c))), { numRuns: 400, seed: 42 });
});

test('random text never crashes the loader', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (t) => check(t)), { numRuns: 300, seed: 7 });
});

test('single-quoted words split back into the same argv', () => {
  const word = fc.string({ minLength: 1, maxLength: 12 }).filter((w) => !w.includes("'"));
  fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), (argv) => {
    assert.deepEqual(splitCommand(argv.map((w) => `'${w}'`).join(' ')), { argv });
  }), { numRuns: 300, seed: 3 });
});

const examplesDir = join(import.meta.dirname, '..', '..', 'examples');
/** Every airlock.yaml under examples/ (the projects and the config samples). */
const examples = readdirSync(examplesDir, { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)[^/]*\.ya?ml$/.test(f))
  .sort().map((f) => readFileSync(join(examplesDir, f), 'utf8'));

test('mutated example configs are accepted or rejected with positions (never an internal error)', () => {
  let runs = 0;
  for (const [i, text] of examples.entries()) {
    fc.assert(fc.property(textMutations(text), (t) => { runs++; check(t); }), { numRuns: 80, seed: 100 + i });
  }
  console.log(`config fuzz: ${runs} mutated example configs`);
});

test('the loader (file read + parse) classifies every failure: mutated files, a folder, a missing file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-config-fuzz-'));
  try {
    let runs = 0;
    await fc.assert(fc.asyncProperty(fc.constantFrom(...examples).chain((t) => textMutations(t)), async (t) => {
      runs++;
      const file = join(dir, 'airlock.yaml');
      writeFileSync(file, t);
      try { await loadConfig(file, { architecture: 'amd64' }); } catch (e) {
        assert.ok(e instanceof AirlockError && e.exitCode === 2, `not a usage error: ${(e as Error).stack}`);
      }
    }), { numRuns: 100, seed: 11 });
    for (const file of [dir, join(dir, 'missing.yaml')]) {
      await assert.rejects(loadConfig(file, { architecture: 'amd64' }), (e) => e instanceof AirlockError && e.exitCode === 2);
    }
    console.log(`config loader fuzz: ${runs} files`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

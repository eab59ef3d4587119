// The repository stands alone: no source, test, benchmark or script reads the shared folder beside the clone,
// and the schemas copied into test/schemas are the upstream bytes that test/schemas/README.md names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const self = fileURLToPath(import.meta.url);

function files(dir: string, keep: (name: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, keep, out);
    else if (keep(name)) out.push(p);
  }
  return out;
}

test('no file under src/, test/, bench/ or scripts/ reaches for ../shared or shared/specs', () => {
  const code = /\.(ts|mts|cts|js|mjs|cjs|sh)$/;
  const outside = /\.\.\/shared|shared\/specs|'\.\.',\s*'shared'/;
  const found: string[] = [];
  for (const top of ['src', 'test', 'bench', 'scripts']) {
    for (const f of files(join(root, top), (n) => code.test(n))) {
      if (f === self) continue;
      readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        if (outside.test(line)) found.push(`${relative(root, f)}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  assert.deepEqual(found, [], 'these read outside the repository; use test/schemas or an npm package instead');
});

test('every schema in test/schemas is listed in its README with the upstream git blob id', () => {
  const dir = join(root, 'test', 'schemas');
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const listed = new Map([...readme.matchAll(/^\| `([^`]+\.json)` \| (\d+) \| `([0-9a-f]{40})` \|$/gm)].map((m) => [m[1]!, { bytes: Number(m[2]), blob: m[3]! }]));
  const copies = files(dir, (n) => n.endsWith('.json')).map((f) => relative(dir, f).split('\\').join('/')).sort();
  assert.ok(copies.length > 0);
  assert.deepEqual(copies, [...listed.keys()].sort(), 'test/schemas/README.md lists exactly the copied schemas');
  for (const name of copies) {
    const bytes = readFileSync(join(dir, name));
    const blob = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    assert.deepEqual({ bytes: bytes.length, blob }, listed.get(name), `${name} is byte-identical to its upstream file`);
  }
});

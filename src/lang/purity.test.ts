// The packs are pure plan contributors: no file system, process or network access in src/lang except the two edges,
// the host-facts loader and the reader of the packs' own assets; the packs take only types from the loader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const EDGES = new Set(['host-facts.ts', 'assets.ts']);
const IO = /from '(node:)?(fs|fs\/promises|child_process|net|http|https|dgram|dns|tls|os|worker_threads)'/;

test('src/lang reads the host only in host-facts.ts and its assets only in assets.ts', () => {
  const offenders: string[] = [];
  for (const f of readdirSync(here).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts') && !EDGES.has(n))) {
    const text = readFileSync(join(here, f), 'utf8');
    for (const line of text.split('\n')) {
      if (/^\s*import\b/.test(line) && IO.test(line)) offenders.push(`${f}: ${line.trim()}`);
      if (/^\s*import\s+(?!type\b)[^;]*from '\.\/host-facts\.js'/.test(line)) offenders.push(`${f}: takes values, not only types, from the loader: ${line.trim()}`);
    }
    for (const m of text.matchAll(/\bprocess\.(env|cwd|argv|platform)\b|\bimport\(/g)) offenders.push(`${f}: ${m[0]}`);
  }
  assert.deepEqual(offenders, []);
});

test('the purity check sees what it forbids', () => {
  assert.ok(IO.test("import { existsSync } from 'node:fs';"));
  assert.ok(IO.test("import { spawnSync } from 'node:child_process';"));
  assert.ok(!IO.test("import type { HostFacts } from './host-facts.js';"));
});

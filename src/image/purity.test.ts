// The model stays pure: no file system, network or process access in src/image (sinks do the I/O), and no sinks imports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const FORBIDDEN = /from '(node:(fs|fs\/promises|net|http|https|child_process|dgram|dns|tls)|\.\.\/(sinks|cli|build|variants|gates|evidence|debian|sandbox|report|config)\/[^']*)'/;

test('src/image imports no I/O modules and nothing above it in the pipeline', () => {
  const offenders: string[] = [];
  for (const f of readdirSync(here).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
    for (const line of readFileSync(join(here, f), 'utf8').split('\n')) {
      if (/^\s*import\b/.test(line) && FORBIDDEN.test(line)) offenders.push(`${f}: ${line.trim()}`);
    }
  }
  assert.deepEqual(offenders, []);
});

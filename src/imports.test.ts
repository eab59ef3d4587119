// The direction of imports across src/: each folder imports only the folders below it (ARCHITECTURE.md has the map).
// Type-only imports count too: a type is a dependency on the folder that owns it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = dirname(fileURLToPath(import.meta.url));

/** What each folder may import (besides itself, errors.ts and log.ts). */
const ALLOWED: Record<string, readonly string[]> = {
  image: [],
  files: [],
  sandbox: [],
  report: [],
  lint: [],
  config: ['image'],
  cache: ['files', 'config'],
  sinks: ['image', 'files', 'cache'],
  upstream: ['files', 'cache'],
  lang: ['upstream'],
  debian: ['image', 'files', 'cache', 'upstream'],
  gates: ['image', 'debian'],
  evidence: ['image', 'files', 'debian', 'upstream'],
  variants: ['image', 'files', 'cache', 'sinks', 'config', 'debian'],
  release: ['image', 'files', 'cache', 'sinks', 'evidence'],
  why: ['image', 'report'],
  init: ['files', 'config', 'lang', 'pipeline'],
  run: ['image', 'sinks', 'cache'],
  pipeline: [
    'image', 'files', 'cache', 'sinks', 'config', 'debian', 'upstream', 'lang', 'sandbox', 'variants', 'gates', 'evidence', 'report',
    'why', 'secrets', 'coverage', 'overlays',
  ],
  policy: ['image', 'config', 'evidence'],
  export: ['image', 'sinks', 'config', 'debian', 'variants', 'pipeline'],
  ci: [],
  k8s: ['config'],
  secrets: ['image', 'config'],
  coverage: ['config', 'lang'],
  overlays: [],
  cli: [
    'image', 'files', 'cache', 'sinks', 'config', 'debian', 'upstream', 'lang', 'sandbox', 'variants', 'gates', 'evidence', 'report',
    'pipeline', 'lint', 'release', 'policy', 'export', 'ci', 'why', 'init', 'run', 'k8s', 'secrets', 'coverage', 'overlays',
  ],
};

/** Folders that do no I/O at all: values in, values out (sinks and loaders do the reading and writing). */
const PURE = new Set(['image', 'report', 'ci']);
const IO_MODULES = /^node:(fs|fs\/promises|net|http|https|child_process|dgram|dns|tls)$/;

function sources(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => (m[1] ?? m[2])!);
}

const folderOf = (file: string) => (file.includes('/') ? file.split('/')[0]! : '');

test('every folder under src/ has a row in the import map', () => {
  const folders = new Set(sources().map(folderOf).filter((f) => f));
  assert.deepEqual([...folders].filter((f) => !(f in ALLOWED)), []);
});

test('imports point down the pipeline, never up or sideways', () => {
  const offenders: string[] = [];
  for (const file of sources()) {
    const from = folderOf(file);
    if (!from) continue;
    for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
      const target = relative(SRC, resolve(dirname(join(SRC, file)), spec));
      const to = folderOf(target);
      if (to === from || (to === '' && /^(errors|log)\.js$/.test(target))) continue;
      if (!ALLOWED[from]?.includes(to)) offenders.push(`${file} imports ${spec} (${from} → ${to || target})`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('the pure folders do no I/O', () => {
  const offenders = sources().filter((f) => PURE.has(folderOf(f))).flatMap((f) => importsOf(f).filter((s) => IO_MODULES.test(s)).map((s) => `${f}: ${s}`));
  assert.deepEqual(offenders, []);
});

test('the map has no cycles', () => {
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (f: string, path: string[]): void => {
    assert.ok(!visiting.has(f), `cycle: ${[...path, f].join(' → ')}`);
    if (done.has(f)) return;
    visiting.add(f);
    for (const t of ALLOWED[f] ?? []) visit(t, [...path, f]);
    visiting.delete(f);
    done.add(f);
  };
  for (const f of Object.keys(ALLOWED)) visit(f, []);
});

// airlock lint on a corpus written for the tests (test/fixtures/lint): each bad Dockerfile gives exactly the findings
// its `# expect: RULE@LINE` comments name, every good one gives none, and what cannot be parsed is placed at line:col.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AirlockError } from '../errors.js';
import { lintDockerfile } from './dockerfile.js';
import { RULES, rulesMarkdown } from './rules.js';

const corpus = join(fileURLToPath(import.meta.url), '..', '..', '..', 'test', 'fixtures', 'lint');
const files = (kind: string) => readdirSync(join(corpus, kind)).filter((f) => f.endsWith('.Dockerfile')).sort();
const got = (text: string, file: string) => lintDockerfile(text, file).map((f) => `${f.rule}@${f.line}`).sort();

test('each bad Dockerfile gives exactly the findings it expects, and together they cover every rule', () => {
  const seen = new Set<string>();
  assert.ok(files('bad').length >= 10);
  for (const f of files('bad')) {
    const text = readFileSync(join(corpus, 'bad', f), 'utf8');
    const expected = [...text.matchAll(/^# expect: ([a-z-]+@\d+)$/gm)].map((m) => m[1]!).sort();
    assert.ok(expected.length > 0, `${f} expects something`);
    assert.deepEqual(got(text, f), expected, f);
    for (const e of expected) seen.add(e.split('@')[0]!);
  }
  assert.deepEqual([...seen].sort(), Object.keys(RULES).sort());
});

test('good Dockerfiles give no findings', () => {
  assert.ok(files('good').length >= 4);
  for (const f of files('good')) assert.deepEqual(got(readFileSync(join(corpus, 'good', f), 'utf8'), f), [], f);
});

test('findings carry the rule severity, a hint and a 1-based position', () => {
  const [f] = lintDockerfile('FROM debian:12-slim@sha256:' + 'a'.repeat(64) + '\n  USER root\n', 'x/Dockerfile');
  assert.deepEqual({ ...f, message: undefined }, {
    file: 'x/Dockerfile', line: 2, col: 3, rule: 'final-user-root', severity: 'error', message: undefined, hint: RULES['final-user-root'].hint,
  });
  assert.match(f!.message, /USER root/);
});

test('what is not a Dockerfile is a usage error at line:col', () => {
  const cases: [string, RegExp, string][] = [
    ['FROM debian:12\nRUNN make\n', /unknown instruction "RUNN"/, 'D:2:1'],
    ['# just a comment\n', /no FROM/, 'D:1:1'],
    ['ENV A=1\nFROM debian:12\n', /ENV before the first FROM/, 'D:1:1'],
    ['ARG X=1\nFROM \n', /FROM names no image/, 'D:2:1'],
  ];
  for (const [text, message, location] of cases) {
    assert.throws(() => lintDockerfile(text, 'D'), (e: unknown) => {
      assert.ok(e instanceof AirlockError && e.exitCode === 2, String(e));
      assert.match(e.message, message);
      assert.equal(e.location, location);
      return true;
    });
  }
});

test('ARG defaults before the first FROM resolve the base image; a variable left open is not judged', () => {
  assert.deepEqual(got('ARG V=1.22\nFROM golang:${V}\nUSER 1\n', 'D'), ['base-unpinned@2', 'final-build-tools@2']);
  assert.deepEqual(got('ARG IMG\nFROM ${IMG}\nUSER 1\n', 'D'), []);
});

test('build images are told by their official names only', () => {
  const pinned = '@sha256:' + 'a'.repeat(64);
  const tools = (image: string) => got(`FROM ${image}${pinned}\nUSER 1\n`, 'D').includes('final-build-tools@1');
  assert.equal(tools('golang:1.22'), true);
  assert.equal(tools('docker.io/library/node:20'), true);
  assert.equal(tools('node:20-slim'), false);
  assert.equal(tools('example/node:20'), false, 'not the official node image');
  assert.equal(tools('gcr.io/distroless/cc-debian12:nonroot'), false);
});

test('docs/lint.md is the rule table of rules.ts (regenerate: write rulesMarkdown() to it)', () => {
  assert.equal(readFileSync(join(corpus, '..', '..', '..', 'docs', 'lint.md'), 'utf8'), rulesMarkdown());
});

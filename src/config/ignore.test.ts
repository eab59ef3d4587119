// Ignore-file semantics: a table of cases, then the same matcher checked against podman's own .dockerignore handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileIgnore, patternRegExp } from './ignore.js';

test('pattern table (Docker semantics)', () => {
  const table: [string, string, boolean][] = [
    // pattern text, path, ignored?
    ['*.o', 'top.o', true],
    ['*.o', 'a/x.o', false], // no slash does not mean "any depth" in Docker
    ['**/*.o', 'a/b/x.o', true],
    ['**/*.o', 'x.o', true],
    ['/build', 'build/out/a.bin', true], // leading '/' is the context root; parents match
    ['build/', 'build', true], // trailing '/' is cleaned away, as Docker does
    ['?oo.txt', 'foo.txt', true],
    ['?oo.txt', 'fooo.txt', false],
    ['[a-c]/x.o', 'b/x.o', true],
    ['[a-c]/x.o', 'd/x.o', false],
    ['[^a-c]/x.o', 'd/x.o', true],
    ['\\*.txt', '*.txt', true],
    ['\\*.txt', 'a.txt', false],
    ['docs\n!docs/README.md', 'docs/README.md', false],
    ['docs\n!docs/README.md', 'docs/guide.md', true],
    ['!keep\nkeep', 'keep', true], // the last matching rule wins
    ['**\n!src/**', 'src/a/b.c', false],
    ['**\n!src/**', 'other', true],
    ['src/**', 'src', false],
    ['# comment\n\n   ', 'anything', false],
    ['a/../b', 'b', true],
    ['', '.git/HEAD', true], // always ignored
    ['', 'sub/.git/config', true],
    ['', 'airlock-out/oci/index.json', true],
    ['!airlock-out', 'airlock-out', true], // cannot be re-included
    ['', 'node_modules/x/index.js', false], // NOT ignored by default
  ];
  for (const [text, path, ignored] of table) assert.equal(compileIgnore(text)(path, false), ignored, `${JSON.stringify(text)} on ${path}`);
  assert.equal(compileIgnore('a\n!a/b').reincludes, true);
  assert.equal(compileIgnore('a').reincludes, false);
  assert.equal(compileIgnore('.git', [])('.git', true), true);
  assert.equal(compileIgnore('', [])('.git/HEAD', false), false, 'always-list can be replaced');
  assert.throws(() => compileIgnore('ok\n[z-a].c'), /ignore file line 2: `\[z-a\]\.c` is not a valid pattern/);
  assert.equal(patternRegExp('a/**/b').test('a/b'), true);
  assert.equal(patternRegExp('a/**/b').test('a/x/y/b'), true);
});

const TREE = [
  'keep.c', 'top.o', 'foo.txt', 'boo.txt', 'fooo.txt', 'a/x.o', 'a/b/c.o', 'b/x.o', 'd/x.o', 'docs/README.md', 'docs/guide.md',
  'build/out.bin', 'x/y/z.go', 'z.go', 'src/main.c', 'src/util.c', 'src/test/t.c', 'src/lib/test/u.c', 'README.md',
  'd/sub/f', 'd/out', 'out', 'emptydir/',
];

const CASES = [
  '*.o\n**/*.o\n!a/b/c.o\ndocs\n!docs/README.md\nbuild/\nx/**/*.go\n',
  '# comment\n\n/top.o\n?oo.txt\n[a-c]/x.o\n',
  '**\n!keep.c\n!src/**\n',
  'src/*\n!src/main.c\n',
  '**/README*\nsrc/**/test\n',
  'out/\n/d/sub\nemptydir\n  z.go  \n',
  '*/x.o\n[^a-c]/x.o\n!d/x.o\n',
  'src\n!src/lib\nsrc/lib/test\n',
];

const hasPodman = spawnSync('podman', ['--version']).status === 0 && process.getuid?.() === 0;

function podmanKept(ignore: string, n: number): Set<string> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-ignore-'));
  const ctx = join(dir, 'ctx');
  const tag = `localhost/airlock-ignore-test:${process.pid}-${n}`;
  try {
    for (const p of TREE) {
      if (p.endsWith('/')) mkdirSync(join(ctx, p), { recursive: true });
      else { mkdirSync(dirname(join(ctx, p)), { recursive: true }); writeFileSync(join(ctx, p), p); }
    }
    writeFileSync(join(ctx, '.dockerignore'), ignore);
    writeFileSync(join(dir, 'Containerfile'), 'FROM scratch\nCOPY . /ctx\n');
    const b = spawnSync('podman', ['build', '-q', '--pull=never', '-f', join(dir, 'Containerfile'), '-t', tag, ctx], { encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    const s = spawnSync('podman', ['save', '--format', 'oci-dir', '-o', join(dir, 'oci'), tag], { encoding: 'utf8' });
    assert.equal(s.status, 0, s.stderr);
    const kept = new Set<string>();
    for (const blob of readdirSync(join(dir, 'oci', 'blobs', 'sha256'))) {
      const t = spawnSync('tar', ['-tf', join(dir, 'oci', 'blobs', 'sha256', blob)], { encoding: 'utf8' });
      if (t.status === 0) for (const line of t.stdout.split('\n')) if (line.startsWith('ctx/') && line !== 'ctx/') kept.add(line.slice(4));
    }
    return kept;
  } finally {
    spawnSync('podman', ['rmi', '-f', tag]);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the matcher keeps exactly what podman build keeps for each .dockerignore', { skip: !hasPodman && 'needs podman as root' }, () => {
  CASES.forEach((ignore, n) => {
    const kept = podmanKept(ignore, n);
    const matcher = compileIgnore(ignore, []);
    // Files, and empty folders: parents of re-included files appear in podman's output whatever the rules say.
    const ours = TREE.filter((p) => !matcher(p.replace(/\/$/, ''), p.endsWith('/')));
    const theirs = TREE.filter((p) => kept.has(p));
    assert.deepEqual(ours, theirs, `case ${n}: ${JSON.stringify(ignore)}`);
    assert.ok(theirs.length > 0 && theirs.length < TREE.length || n === 2, `case ${n} should keep some and drop some`);
  });
});

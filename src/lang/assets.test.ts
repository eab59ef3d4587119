// The packs' assets are valid as what they are (checked with the tools this machine has), every one is checked, and
// every default step command, assets filled in, parses as the /bin/sh script the sandbox runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANG_ASSETS, langAsset, shellTemplate } from './assets.js';

const root = fileURLToPath(LANG_ASSETS);
const assets = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((p) => /\.\w+$/.test(p) && p !== 'README.md').sort();
const ofKind = (ext: string) => assets.filter((p) => p.endsWith(`.${ext}`));
const has = (tool: string, args: string[]) => spawnSync(tool, args, { stdio: 'ignore' }).status === 0;
const check = (tool: string, args: string[], env?: NodeJS.ProcessEnv) => {
  const r = spawnSync(tool, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, `${tool} ${args.join(' ')}: ${r.stderr}`);
};

test('every asset is of a kind this test checks, and the packs read each one', () => {
  assert.deepEqual(assets.filter((p) => !/\.(sh|py|java|mjs)$/.test(p)), [], 'an asset of a new kind needs a check here');
  const packSources = readdirSync(import.meta.dirname).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))
    .map((n) => readFileSync(join(import.meta.dirname, n), 'utf8')).join('\n');
  for (const p of assets) {
    const [pack, name] = p.split('/');
    assert.ok(packSources.includes(`'${pack}', '${name}'`), `${p} is read by a pack`);
  }
});

test('shell assets parse with sh -n and bash -n, as files and as the one line a step runs', () => {
  assert.ok(ofKind('sh').length > 0);
  for (const p of ofKind('sh')) {
    check('sh', ['-n', join(root, p)]);
    check('bash', ['-n', join(root, p)]);
    const [pack, name] = p.split('/') as [string, string];
    const names = [...readFileSync(join(root, p), 'utf8').matchAll(/@([A-Z][A-Z0-9_]*)@/g)].map((m) => m[1]!);
    const line = shellTemplate(pack, name)(Object.fromEntries(names.map((k) => [k, `placeholder_${k}`])));
    check('sh', ['-n', '-c', line]);
  }
});

test('every default step command of every pack parses with sh -n (the sandbox runs /bin/sh -ec)', () => {
  const golden = JSON.parse(readFileSync(join(import.meta.dirname, 'golden', 'default-steps.json'), 'utf8')) as Record<string, Record<string, string[] | string>>;
  let n = 0;
  for (const [name, steps] of Object.entries(golden)) {
    for (const list of Object.values(steps)) {
      if (typeof list === 'string') continue; // a refused default
      for (const command of list) { check('sh', ['-n', '-c', command]); n++; }
    }
    assert.ok(n > 0, name);
  }
});

test('Python assets compile with python3 -m py_compile', { skip: !has('python3', ['--version']) && 'no python3 on this machine' }, () => {
  const cache = mkdtempSync(join(tmpdir(), 'airlock-pyc-'));
  try {
    assert.ok(ofKind('py').length > 0);
    for (const p of ofKind('py')) check('python3', ['-m', 'py_compile', join(root, p)], { PYTHONPYCACHEPREFIX: cache });
  } finally { rmSync(cache, { recursive: true, force: true }); }
});

test('Node.js assets parse with node --check', () => {
  assert.ok(ofKind('mjs').length > 0);
  for (const p of ofKind('mjs')) check(process.execPath, ['--check', join(root, p)]);
});

test('Java assets compile with javac', { skip: !has('javac', ['-version']) && 'no JDK on this machine (javac not found): the Java assets are not compiled' }, () => {
  const out = mkdtempSync(join(tmpdir(), 'airlock-javac-'));
  try {
    assert.ok(ofKind('java').length > 0);
    for (const p of ofKind('java')) check('javac', ['-Xlint:all', '-Werror', '-d', out, join(root, p)]);
  } finally { rmSync(out, { recursive: true, force: true }); }
});

test('an asset reads without its header comment; a shell asset joins to one line and fills its @NAMES@', () => {
  const java = langAsset('java', 'Cacerts.java');
  assert.match(java, /^import java\.io\.\*;/, 'the header comment is documentation, not part of what the step writes');
  assert.ok(!java.endsWith('\n'));
  const mvn = shellTemplate('java', 'maven-offline.sh');
  const line = mvn({ MVN: 'mvn', ARGS: 'package @KEEP@', MAVEN_REPO: '/repo' });
  assert.ok(!line.includes('\n') && line.includes('{ mvn package @KEEP@ && echo 0') && line.includes('d=/repo/$(echo'), 'values are not filled again');
  assert.throws(() => mvn({ MVN: 'mvn' }), /no value for @ARGS@/);
});

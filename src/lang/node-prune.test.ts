// The node pack's production copy prunes dev dependencies from the lock when the lock describes the tree exactly, and
// leaves the same package folders and .bin links as `npm prune --omit=dev` (compared with npm itself when this machine
// has it); anything the lock cannot answer for goes to npm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANG_ASSETS } from './assets.js';

const script = readFileSync(join(fileURLToPath(LANG_ASSETS), 'node', 'prod-copy.mjs'), 'utf8');
const PLAN = JSON.stringify({ app: '.', keep: null, workspaces: [], allWorkspaces: [], links: {} });
const hostNpm = spawnSync('npm', ['--version'], { stdio: 'ignore' }).status === 0;

interface Pkg { version: string; dev?: boolean; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; bin?: Record<string, string> }

/** A project as `npm ci` leaves it: package.json, a version-3 lock and node_modules with .bin links. */
function project(dir: string, root: Pkg & { devDependencies?: Record<string, string> }, packages: Record<string, Pkg>): void {
  mkdirSync(dir, { recursive: true });
  const rootEntry = { name: 'app', ...root };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(rootEntry));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'app', version: root.version, lockfileVersion: 3, requires: true, packages: { '': rootEntry, ...packages } }));
  for (const [key, p] of Object.entries(packages)) {
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    mkdirSync(join(dir, key), { recursive: true });
    const { dev: _dev, ...manifest } = p;
    writeFileSync(join(dir, key, 'package.json'), JSON.stringify({ name, ...manifest }));
    for (const [bin, file] of Object.entries(p.bin ?? {})) {
      writeFileSync(join(dir, key, file), '#!/usr/bin/env node\n');
      const binDir = join(dir, key.slice(0, key.lastIndexOf('node_modules/') + 'node_modules'.length), '.bin');
      mkdirSync(binDir, { recursive: true });
      symlinkSync(`../${name}/${file}`, join(binDir, bin));
    }
  }
}

/** Runs the production copy in `src` with an `npm` on PATH that records its calls; returns the app folder and them. */
function prodCopy(src: string, work: string): { app: string; npmCalls: string[]; stdout: string } {
  const shim = join(work, 'shim');
  mkdirSync(shim, { recursive: true });
  const calls = join(work, 'npm-calls');
  writeFileSync(join(shim, 'npm'), `#!/bin/sh\necho "$*" >> '${calls}'\n`);
  chmodSync(join(shim, 'npm'), 0o755);
  const out = join(work, 'out');
  mkdirSync(out, { recursive: true });
  const r = spawnSync(process.execPath, ['--input-type=module', '-', PLAN], {
    cwd: src, input: script, encoding: 'utf8', env: { ...process.env, PATH: `${shim}:${process.env.PATH}`, AIRLOCK_OUT: out },
  });
  assert.equal(r.status, 0, r.stderr);
  return { app: join(out, 'app'), npmCalls: existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [], stdout: r.stdout };
}

/** The package folders (by lock key) and the .bin links of a tree: what a prune decides. */
function shape(dir: string): string[] {
  const out: string[] = [];
  const walk = (modules: string, key: string) => {
    if (!existsSync(modules)) return;
    for (const name of readdirSync(modules).sort()) {
      if (name === '.bin') { for (const b of readdirSync(join(modules, name)).sort()) out.push(`${key}/.bin/${b}`); continue; }
      if (name.startsWith('.')) continue;
      for (const n of name.startsWith('@') ? readdirSync(join(modules, name)).sort().map((x) => `${name}/${x}`) : [name]) {
        out.push(`${key}/${n}`);
        walk(join(modules, n, 'node_modules'), `${key}/${n}/node_modules`);
      }
    }
  };
  walk(join(dir, 'node_modules'), 'node_modules');
  return out;
}

const CASES: Record<string, { root: Pkg & { devDependencies?: Record<string, string> }; packages: Record<string, Pkg>; kept: string[] }> = {
  'dev packages, a dev-only nested copy, scoped packages and their .bin links': {
    root: { version: '1.0.0', dependencies: { a: '1', '@s/b': '1' }, devDependencies: { d: '1', '@s/e': '1' } },
    packages: {
      'node_modules/a': { version: '1.0.0', dependencies: { c: '2' }, bin: { 'a-cli': 'cli.js' } },
      'node_modules/a/node_modules/c': { version: '2.0.0' },
      'node_modules/c': { version: '1.0.0', dev: true },
      'node_modules/@s/b': { version: '1.0.0' },
      'node_modules/d': { version: '1.0.0', dev: true, dependencies: { c: '1', f: '1' }, bin: { 'd-cli': 'd.js' } },
      'node_modules/d/node_modules/f': { version: '1.0.0', dev: true },
      'node_modules/@s/e': { version: '1.0.0', dev: true, bin: { e: 'e.js' } },
    },
    kept: ['node_modules/.bin/a-cli', 'node_modules/@s/b', 'node_modules/a', 'node_modules/a/node_modules/c'],
  },
  'a lock flag that the dependencies contradict: what prod reaches stays (npm works it out from the graph too)': {
    root: { version: '1.0.0', dependencies: { a: '1' }, optionalDependencies: { o: '1' }, devDependencies: { d: '1' } },
    packages: {
      'node_modules/a': { version: '1.0.0', dependencies: { c: '1' } },
      'node_modules/c': { version: '1.0.0', dev: true },
      'node_modules/o': { version: '1.0.0', optionalDependencies: { missing: '1' } },
      'node_modules/d': { version: '1.0.0', dev: true, bin: { d: 'd.js' } },
    },
    kept: ['node_modules/a', 'node_modules/c', 'node_modules/o'],
  },
};

for (const [name, c] of Object.entries(CASES)) {
  test(`prod copy prunes from the lock: ${name}`, () => {
    const work = mkdtempSync(join(tmpdir(), 'airlock-node-prune-'));
    try {
      project(join(work, 'src'), c.root, c.packages);
      const { app, npmCalls, stdout } = prodCopy(join(work, 'src'), join(work, 'ours'));
      assert.deepEqual(npmCalls, [], 'npm is not started');
      assert.match(stdout, /dev dependencies pruned \(from package-lock\.json\)/);
      assert.deepEqual(shape(app), c.kept);
      assert.ok(existsSync(join(app, 'package.json')) && !existsSync(join(app, 'package-lock.json')), 'the app, without its lock');
      if (hostNpm) {
        const theirs = join(work, 'npm');
        cpSync(join(work, 'src'), theirs, { recursive: true, verbatimSymlinks: true });
        const r = spawnSync('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund', '--no-update-notifier'], {
          cwd: theirs, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_cache: join(work, 'npm-cache') },
        });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(shape(app), shape(theirs), 'the same package folders and .bin links as npm prune --omit=dev');
      }
    } finally { rmSync(work, { recursive: true, force: true }); }
  });
}

test('prod copy leaves to npm what the lock cannot answer for: workspaces, links, a folder or a dependency the lock does not name, an old lock', () => {
  const base = CASES['dev packages, a dev-only nested copy, scoped packages and their .bin links']!;
  const variants: Record<string, (dir: string) => void> = {
    workspaces: (dir) => {
      const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
      lock.packages[''].workspaces = ['packages/*'];
      writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
    },
    'a linked package': (dir) => symlinkSync('../elsewhere', join(dir, 'node_modules', 'linked')),
    'an unlisted folder': (dir) => mkdirSync(join(dir, 'node_modules', 'stray')),
    'lockfile version 1': (dir) => {
      const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
      writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ ...lock, lockfileVersion: 1 }));
    },
    'a dependency the lock does not name': (dir) => {
      const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
      lock.packages['node_modules/a'].dependencies.unlocked = '1';
      writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
    },
  };
  for (const [what, change] of Object.entries(variants)) {
    const work = mkdtempSync(join(tmpdir(), 'airlock-node-prune-'));
    try {
      project(join(work, 'src'), base.root, base.packages);
      change(join(work, 'src'));
      const { npmCalls } = prodCopy(join(work, 'src'), join(work, 'ours'));
      assert.deepEqual(npmCalls, ['prune --omit=dev --offline --no-audit --no-fund'], what);
    } finally { rmSync(work, { recursive: true, force: true }); }
  }
});

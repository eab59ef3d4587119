import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goPack } from '../lang/go.js';
import { rustPack } from '../lang/rust.js';
import { nodePack } from '../lang/node.js';
import { fileURLToPath } from 'node:url';
import type { SourceInfo } from '../lang/pack.js';
import { readSourceInfo } from './source-info.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-source-info-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

test('a pack\'s source probe is answered round after round: a cargo workspace\'s members, their manifests and sources', () => {
  const dir = tree({
    'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n', 'crates/a/Cargo.toml': '[package]\nname = "a"\n',
    'crates/a/src/main.rs': '', 'crates/b/Cargo.toml': '[package]\nname = "b"\n', 'crates/b/src/bin/x.rs': '', 'crates/NOTES': '',
  });
  try {
    const info = readSourceInfo(dir, rustPack);
    assert.deepEqual([...info.dirs!.keys()], ['crates', 'crates/a/src', 'crates/b/src', 'crates/b/src/bin'], 'folders that exist');
    assert.deepEqual(info.dirs!.get('crates'), ['NOTES', 'a/', 'b/']);
    assert.deepEqual([...info.texts!.keys()], ['crates/a/Cargo.toml', 'crates/b/Cargo.toml']);
    assert.equal(readSourceInfo(dir).dirs, undefined, 'without a pack only the top level is read');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('the reader answers only inside the tree: no `..`, no absolute path, no symbolic link, no large file', () => {
  const dir = tree({ 'go.mod': 'module m\n', 'cmd/a/main.go': 'package main\n', 'cmd/big/main.go': `package main\n${' '.repeat(300_000)}` });
  const outside = tree({ 'secret.go': 'package main\n' });
  try {
    symlinkSync(join(outside, 'secret.go'), join(dir, 'cmd', 'a', 'link.go'));
    symlinkSync(outside, join(dir, 'cmd', 'linked'));
    const asked: string[] = [];
    const probe = {
      sourceProbe(src: SourceInfo) {
        asked.push(`round ${asked.length}`);
        return { dirs: ['cmd', '../', '/etc', 'cmd/linked'], files: ['cmd/a/main.go', 'cmd/a/link.go', '../secret.go', 'cmd/big/main.go', ...(src.texts?.size ? [] : ['go.mod'])] };
      },
    };
    const info = readSourceInfo(dir, probe);
    assert.deepEqual([...info.dirs!.keys()], ['cmd']);
    assert.deepEqual(info.dirs!.get('cmd'), ['a/', 'big/', 'linked'], 'a link to a folder is listed as an entry, not followed');
    assert.deepEqual([...info.texts!.keys()], ['cmd/a/main.go', 'go.mod']);
    assert.equal(asked.length, 2, 'asked again until nothing new is asked');
    assert.deepEqual(readSourceInfo(dir, goPack).texts!.get('cmd/a/main.go'), 'package main\n');
  } finally { for (const d of [dir, outside]) rmSync(d, { recursive: true, force: true }); }
});

test('the Node pack reads an npm workspace through the same probe: the workspaces folder listed, each package.json and tsconfig read', () => {
  const dir = join(fileURLToPath(import.meta.url), '..', '..', '..', 'test', 'fixtures', 'lang', 'node-workspace');
  const info = readSourceInfo(dir, nodePack, 'packages/api');
  assert.deepEqual([...info.dirs!.keys()], ['packages']);
  for (const f of ['packages/api/package.json', 'packages/web/package.json', 'packages/api/tsconfig.json', 'tsconfig.base.json']) {
    assert.ok(info.texts!.has(f), f);
  }
  assert.equal(info.app, 'packages/api');
});

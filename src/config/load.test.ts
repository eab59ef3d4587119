// loadConfig and loadIgnore against real files: success, missing file, a folder, ignore-file preference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { loadConfig, loadIgnore } from './load.js';
import { ConfigError } from './problems.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-config-'));
  for (const [p, text] of Object.entries(files)) writeFileSync(join(dir, p), text);
  return dir;
}

test('loadConfig reads a file and resolves paths against its folder', async (t) => {
  const dir = tree({ 'airlock.yaml': 'name: hello\nbase_language: c\nsource: src\npackages: [libc6]\n' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await loadConfig(join(dir, 'airlock.yaml'), { architecture: 'amd64' });
  assert.equal(r.config.file, join(dir, 'airlock.yaml'));
  assert.equal(r.config.source, join(dir, 'src'));
  assert.deepEqual(r.config.packages, [{ name: 'libc6' }]);
  assert.match(r.digest, /^[0-9a-f]{64}$/);
});

test('problems name the file as the user wrote it', async (t) => {
  const dir = tree({ 'airlock.yaml': 'name: hello\nbase_language: c\nbuild_flag: {}\n' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await assert.rejects(loadConfig('airlock.yaml', { architecture: 'amd64' }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /^airlock\.yaml has 1 problem:\n {2}airlock\.yaml:3:1: build_flag: unknown key `build_flag` \(did you mean `build_flags`\?\)$/);
      return true;
    });
  } finally {
    process.chdir(cwd);
  }
});

test('a missing config or a folder is a usage error with a hint', async (t) => {
  const dir = tree({});
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(loadConfig(join(dir, 'airlock.yaml'), { architecture: 'amd64' }), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.equal(e.code, 'config-not-found');
    assert.equal(e.exitCode, 2);
    assert.match(e.hint ?? '', /airlock\.yaml.*-c FILE/);
    return true;
  });
  await assert.rejects(loadConfig(dir, { architecture: 'amd64' }), /cannot read the config file/);
});

test('loadIgnore prefers .airlockignore, falls back to .dockerignore, and always drops .git', async (t) => {
  const both = tree({ '.airlockignore': '*.o\n', '.dockerignore': '*.c\n' });
  const docker = tree({ '.dockerignore': '*.c\n' });
  const none = tree({});
  const bad = tree({ '.dockerignore': '# x\n[z-a]\n' });
  mkdirSync(join(none, '.git'));
  t.after(() => [both, docker, none, bad].forEach((d) => rmSync(d, { recursive: true, force: true })));
  const a = await loadIgnore(both);
  assert.equal(a.file, join(both, '.airlockignore'));
  assert.deepEqual([a.matcher('x.o', false), a.matcher('x.c', false)], [true, false]);
  const d = await loadIgnore(docker);
  assert.equal(d.file, join(docker, '.dockerignore'));
  assert.equal(d.matcher('x.c', false), true);
  const n = await loadIgnore(none);
  assert.equal(n.file, undefined);
  assert.deepEqual([n.matcher('.git/HEAD', false), n.matcher('airlock-out', true), n.matcher('main.c', false)], [true, true, false]);
  await assert.rejects(loadIgnore(bad), (e: unknown) => e instanceof AirlockError && e.exitCode === 2 && /\.dockerignore: line 2: `\[z-a\]`/.test(e.message));
});

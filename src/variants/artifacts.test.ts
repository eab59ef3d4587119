import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_NOTES_DIR, selectArtifacts } from './artifacts.js';

// An install root with a program, a man page and the build notes airlock and the packs leave for the report.
function tree(): { out: string; src: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'airlock-artifacts-'));
  const out = join(root, 'out');
  const src = join(root, 'src');
  for (const d of ['usr/bin', 'usr/share/man/man1', `${BUILD_NOTES_DIR}/tests`]) mkdirSync(join(out, d), { recursive: true });
  mkdirSync(join(src, 'tests'), { recursive: true });
  writeFileSync(join(out, 'usr/bin/app'), 'program');
  writeFileSync(join(out, 'usr/share/man/man1/app.1'), 'page');
  writeFileSync(join(out, BUILD_NOTES_DIR, 'pruned.json'), '{"files":1,"bytes":2}');
  writeFileSync(join(out, BUILD_NOTES_DIR, 'tests', 'build.test[0].json'), '{}');
  writeFileSync(join(src, 'main.py'), 'print(1)');
  writeFileSync(join(src, 'tests', 'test_main.py'), 'pass');
  return { out, src, done: () => rmSync(root, { recursive: true, force: true }) };
}

test('without declared artifacts: the install root minus docs and build notes', async () => {
  const t = tree();
  try {
    assert.deepEqual((await selectArtifacts(t.out, t.src, undefined)).map((f) => f.path), ['usr/bin/app']);
  } finally { t.done(); }
});

test('a rule copying the whole install root never carries the build notes', async () => {
  const t = tree();
  try {
    const files = await selectArtifacts(t.out, t.src, [
      { from: '', fromRoot: 'out', to: '' },
      { from: '', fromRoot: 'src', to: 'app', exclude: [/^tests(\/|$)/] },
    ]);
    assert.deepEqual(files.map((f) => f.path), ['app/main.py', 'usr/bin/app', 'usr/share/man/man1/app.1']);
  } finally { t.done(); }
});

test('a source-tree rule keeps a folder of the project named like the notes (only $AIRLOCK_OUT holds notes)', async () => {
  const t = tree();
  try {
    mkdirSync(join(t.src, BUILD_NOTES_DIR));
    writeFileSync(join(t.src, BUILD_NOTES_DIR, 'mine'), 'x');
    const files = await selectArtifacts(t.out, t.src, [{ from: BUILD_NOTES_DIR, fromRoot: 'src', to: 'etc/x' }]);
    assert.deepEqual(files.map((f) => f.path), ['etc/x/mine']);
  } finally { t.done(); }
});

// Bad input to `airlock build`: each class of mistake gets a clear message and its exit code, and no outputs.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli } from '../helpers/cli.js';

describe('airlock build rejects bad input clearly', { timeout: 20 * 60_000 }, () => {
  const dirs: string[] = [];
  const project = async (edit: (yaml: string) => string, files: Record<string, string> = {}) => {
    const dir = await copyExample('hello-c');
    dirs.push(dir);
    writeFileSync(join(dir, 'airlock.yaml'), edit(readFileSync(join(dir, 'airlock.yaml'), 'utf8')));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const outDir = () => { const d = mkdtempSync(join(tmpdir(), 'airlock-err-out-')); dirs.push(d); return join(d, 'out'); };
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  test('a config with a typo and a wrong type: exit 2, line:column, path, suggestion', async () => {
    const dir = await project((y) => y.replace('build_flags:', 'build_flag:').replace('name: hello-c', 'name: hello-c\ntag: [1]'));
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', outDir()]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /airlock\.yaml:\d+:\d+: .*build_flag.*did you mean `build_flags`/);
    assert.match(r.stderr, /airlock\.yaml:3:\d+: tag/);
  });

  test('a toolchain version the suite lacks: exit 2 naming the versions it has', async () => {
    const dir = await project((y) => y.replace('gcc-12', 'gcc-99'));
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', outDir()]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /gcc 99 is not available in Debian 12; available: (\d+, )*12/);
  });

  test('an unknown package: exit 3 naming it, and no lock file written', async () => {
    const dir = await project((y) => y.replace('  packages: []', '  packages: [no-such-package-airlock]'));
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', outDir()]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /no-such-package-airlock/);
    assert.ok(!existsSync(join(dir, 'airlock.lock.json')));
  });

  test('--locked without a lock: exit 3 with a hint', async () => {
    const dir = await project((y) => y);
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', outDir(), '--locked']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /--locked: there is no lock file/);
    assert.match(r.stderr, /hint: run `airlock lock`/);
  });

  test('a failing build step: exit 4 with the step, its exit code and its last lines; no outputs', async () => {
    const dir = await project((y) => `${y}build:\n  steps:\n    - 'echo compiling; echo "hello.c:1: error: boom" >&2; exit 7'\n`);
    const out = outDir();
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /build\.steps\[0\] failed with exit code 7/);
    assert.match(r.stderr, /\| hello\.c:1: error: boom/);
    assert.ok(!existsSync(out), 'no output folder');
  });

  test('build steps have no network', async () => {
    const dir = await project((y) => `${y}build:\n  steps:\n    - echo "interfaces $(awk 'NR>2 {printf \"%s\", $1}' /proc/net/dev)"\n    - make\n    - make install DESTDIR="$AIRLOCK_OUT" PREFIX=/usr\n  test: []\n`);
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', outDir(), '--no-gates']);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.match(r.stderr, /^interfaces lo:$/m, 'only the loopback interface exists in a build step');
  });

  test('two executables and no entrypoint: exit 2 listing the candidates', async () => {
    const dir = await project((y) => `${y}build:\n  steps:\n    - make\n    - make install DESTDIR="$AIRLOCK_OUT" PREFIX=/usr\n    - install -m 0755 hello "$AIRLOCK_OUT/usr/bin/hello2"\n`);
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', outDir()]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /several executables could be the entrypoint: \/usr\/bin\/hello, \/usr\/bin\/hello2/);
  });
});

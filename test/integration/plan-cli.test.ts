// `airlock plan`: the same positioned errors as build; stable JSON free of host paths; a plan that cannot be made
// fails before any download.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, runCli } from '../helpers/cli.js';

describe('airlock plan', { timeout: 15 * 60_000 }, () => {
  const dirs: string[] = [];
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  const hello = async () => { const d = await copyExample('hello-c'); dirs.push(d); return d; };
  const env = { SOURCE_DATE_EPOCH: '1700000000' };

  test('an invalid config gets the same positioned errors and exit code as build', async () => {
    const dir = await hello();
    const yaml = readFileSync(join(dir, 'airlock.yaml'), 'utf8');
    writeFileSync(join(dir, 'airlock.yaml'), yaml.replace('build_flags:', 'build_flag:').replace('name: hello-c', 'name: hello-c\ntag: [1]'));
    const plan = await runCli(['plan', '-c', join(dir, 'airlock.yaml')], { env });
    const build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(dir, 'out')], { env });
    assert.equal(plan.code, 2, plan.stderr);
    assert.equal(build.code, plan.code);
    assert.match(plan.stderr, /airlock\.yaml:\d+:\d+: .*build_flag.*did you mean `build_flags`/);
    assert.equal(plan.stderr, build.stderr);
  });

  test('--json is the same stable plan for the same project in two folders, with no host path in it', async () => {
    const [a, b] = [await hello(), await hello()];
    const pa = await runCli(['plan', '-c', join(a, 'airlock.yaml'), '--json'], { env });
    const pb = await runCli(['plan', '-c', join(b, 'airlock.yaml'), '--json'], { env });
    assert.equal(pa.code, 0, pa.stderr);
    assert.equal(pa.stdout, pb.stdout);
    assert.ok(!pa.stdout.includes(a) && !pa.stdout.includes(b), 'no host path');
    const plan = JSON.parse(pa.stdout) as { steps: { id: string; inputs: string; network: boolean }[]; image: { name: string } };
    assert.equal(plan.image.name, 'hello-c');
    assert.deepEqual(plan.steps.map((s) => s.id), ['build.steps[0]', 'build.steps[1]', 'build.test[0]']);
    assert.ok(plan.steps.every((s) => s.inputs === 'source' && !s.network));
    const human = await runCli(['plan', '-c', join(a, 'airlock.yaml')], { env });
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /2\. steps/);
    assert.match(human.stdout, /build\.steps\[0\]  make/);
    assert.match(human.stdout, /sees: the whole build context/);
  });

  test('a project with nothing to build fails at planning, before any package is downloaded', async () => {
    const dir = await hello();
    unlinkSync(join(dir, 'Makefile'));
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(dir, 'out')], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /no build steps/);
    assert.doesNotMatch(r.stderr, /fetching packages|building the builder rootfs/);
  });

  test('a C source the pack cannot decide (CMake and Meson) is refused before anything is locked', async () => {
    const dir = await hello();
    unlinkSync(join(dir, 'Makefile'));
    writeFileSync(join(dir, 'CMakeLists.txt'), 'project(hello C)\nadd_executable(hello hello.c)\n');
    writeFileSync(join(dir, 'meson.build'), "project('hello', 'c')\nexecutable('hello', 'hello.c')\n");
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(dir, 'out')], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error\[build-system-ambiguous\]: build\.steps: the source has both CMakeLists\.txt and meson\.build/);
    assert.match(r.stderr, /set build\.steps/);
    assert.ok(!existsSync(join(dir, 'airlock.lock.json')), 'nothing was resolved or locked');
  });

  test('--platform picks one of the config\'s architectures; another one is refused before anything is locked', async () => {
    const dir = await hello();
    writeFileSync(join(dir, 'airlock.yaml'), `${readFileSync(join(dir, 'airlock.yaml'), 'utf8')}debian:\n  architectures: [amd64, arm64]\n`);
    const r = await runCli(['plan', '-c', join(dir, 'airlock.yaml'), '--platform', 'linux/s390x'], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error\[platform-not-found\]: --platform: the config builds for amd64, arm64, not s390x/);
    const bad = await runCli(['plan', '-c', join(dir, 'airlock.yaml'), '--platform', 'windows/amd64'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /error\[bad-platform\]: --platform: "windows\/amd64" is not a Linux platform/);
    for (const a of ['amd64', 'arm64']) assert.ok(!existsSync(join(dir, `airlock.lock.${a}.json`)), 'nothing was resolved or locked');
  });
});

// `airlock ci` as a user runs it: the workflow files land where GitHub and GitLab look, valid, never overwriting one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { copyExample, runCli } from '../helpers/cli.js';

let dir = '';
before(async () => { dir = await copyExample('hello-c'); });
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

test('--github writes .github/workflows/airlock.yml for the config, --gitlab .gitlab-ci.yml', async () => {
  const gh = await runCli(['ci', '--github', '--repo', '127.0.0.1:5000/team/hello-c'], { cwd: dir });
  assert.equal(gh.code, 0, gh.stderr);
  const workflow = parse(readFileSync(join(dir, '.github/workflows/airlock.yml'), 'utf8'));
  assert.equal(workflow.env.AIRLOCK_REPO, '127.0.0.1:5000/team/hello-c');
  assert.match(workflow.jobs.build.steps.map((s: any) => s.run ?? '').join('\n'), /airlock build -c airlock\.yaml --locked --out airlock-out/);
  const gl = await runCli(['ci', '--gitlab', '-c', 'airlock.yaml'], { cwd: dir });
  assert.equal(gl.code, 0, gl.stderr);
  assert.match(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8'), /podman run --rm --network=none hello-c:latest-test/);
});

test('an existing file is kept unless --force; --out - prints instead', async () => {
  writeFileSync(join(dir, '.gitlab-ci.yml'), 'mine: true\n');
  const kept = await runCli(['ci', '--gitlab'], { cwd: dir });
  assert.equal(kept.code, 2);
  assert.match(kept.stderr, /\.gitlab-ci\.yml exists/);
  assert.equal(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8'), 'mine: true\n');
  const printed = await runCli(['ci', '--gitlab', '--out', '-'], { cwd: dir });
  assert.equal(printed.code, 0);
  assert.ok(parse(printed.stdout).stages.includes('publish'));
  const forced = await runCli(['ci', '--gitlab', '--force'], { cwd: dir });
  assert.equal(forced.code, 0);
  assert.notEqual(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8'), 'mine: true\n');
});

test('bad arguments are usage errors and write nothing', async () => {
  const both = await runCli(['ci', '--github', '--gitlab', '--out', 'x.yml'], { cwd: dir });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /exactly one of --github and --gitlab/);
  const age = await runCli(['ci', '--github', '--dev-max-age', 'soon', '--out', 'x.yml'], { cwd: dir });
  assert.equal(age.code, 2);
  assert.match(age.stderr, /--dev-max-age/);
  assert.equal(existsSync(join(dir, 'x.yml')), false);
});

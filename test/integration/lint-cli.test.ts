// `airlock lint` as a user runs it: exit 6 on errors, 0 on warnings only or none, 2 for a missing or broken file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';

const fixture = (p: string) => join(repoRoot, 'test', 'fixtures', 'lint', p);

test('errors exit 6 with file:line:col, warnings alone exit 0, --json is the findings, a bad file exits 2', async () => {
  const bad = await runCli(['lint', fixture('bad/no-user.Dockerfile'), fixture('good/c.Dockerfile')]);
  assert.equal(bad.code, 6, bad.stderr);
  assert.match(bad.stdout, /no-user\.Dockerfile:6:1: error\[final-user-root\]/);
  assert.match(bad.stdout, /1 error, 0 warnings in 2 Dockerfiles/);

  const warn = await runCli(['lint', '--json', fixture('bad/apt.Dockerfile')]);
  assert.equal(warn.code, 0, warn.stderr);
  const findings = JSON.parse(warn.stdout) as { rule: string; severity: string; line: number }[];
  assert.deepEqual(findings.map((f) => `${f.severity} ${f.rule}@${f.line}`).sort(), ['warning apt-lists-kept@4', 'warning apt-recommends@4']);

  const dir = mkdtempSync(join(tmpdir(), 'airlock-lint-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:12\nCOPPY . .\n');
    const broken = await runCli(['lint'], { cwd: dir });
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /error\[bad-dockerfile\]: Dockerfile:2:1: unknown instruction "COPPY"/);
    const missing = await runCli(['lint', 'nope.Dockerfile'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read nope\.Dockerfile/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

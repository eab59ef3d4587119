// `airlock policy export` from the command line: the written files validate against the CRD schemas; bad input is a usage error.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { admissionPolicyErrors } from '../fixtures/policy/schemas.js';

const dir = mkdtempSync(join(tmpdir(), 'airlock-policy-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('policy export writes schema-valid Kyverno and policy-controller policies from the config, with --json', async () => {
  assert.equal((await runCli(['keygen', '--out', join(dir, 'k')])).code, 0);
  const cfg = join(dir, 'airlock.yaml');
  writeFileSync(cfg, 'name: my-service\ndeployment_policy:\n  production:\n    allowed_tags: ["my-service:*-prod"]\n');
  for (const format of ['kyverno', 'policy-controller'] as const) {
    const out = join(dir, `${format}.yaml`);
    const r = await runCli(['policy', 'export', '--format', format, '-c', cfg, '--key', join(dir, 'k.pub'), '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const doc = parse(readFileSync(out, 'utf8'));
    assert.deepEqual(admissionPolicyErrors(format, doc), [], format);
    assert.equal(doc.metadata.name, 'my-service-production');
    const j = await runCli(['policy', 'export', '--format', format, '-c', cfg, '--key', join(dir, 'k.pub'), '--json']);
    assert.deepEqual(JSON.parse(j.stdout).document, doc, '--json carries the same document');
  }
  assert.match(readFileSync(join(dir, 'kyverno.yaml'), 'utf8'), /my-service/);
});

test('policy export: unknown format or env, a missing key, and a missing key file are usage errors', async () => {
  const cases: [string[], RegExp][] = [
    [['--format', 'opa'], /--format "opa" is not one of kyverno, policy-controller/],
    [['--format', 'kyverno', '--env', 'qa'], /--env "qa" is not one of production, staging, development/],
    [['--format', 'kyverno'], /production requires signed images or attestations.*--key PUB/],
    [['--format', 'kyverno', '--key', join(dir, 'nope.pub')], /key-not-found.*nope\.pub/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(['policy', 'export', ...args], { cwd: dir });
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
  const dev = await runCli(['policy', 'export', '--format', 'policy-controller', '--env', 'development'], { cwd: dir });
  assert.equal(dev.code, 0, dev.stderr);
  assert.deepEqual(admissionPolicyErrors('policy-controller', parse(dev.stdout)), []);
});

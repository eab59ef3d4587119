// `airlock policy check` on a real signed hello-c build: prod passes production; dev (however tagged), unsigned and
// wrongly keyed images fail it, naming the rules; bad input gets a clear usage error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli } from '../helpers/cli.js';

interface CheckJson { passed: boolean; facts: { variant?: string; gates?: string }; results: { rule: string; status: string; message: string }[] }

describe('airlock policy check on a signed hello-c build', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  // keys and outputs live outside the project folder: the build copies the project into the dev image
  const outs = mkdtempSync(join(tmpdir(), 'airlock-policy-check-'));
  const oci = (tag: string) => `oci:${join(outs, 'out', 'oci')}:${tag}`;
  const check = async (image: string, env: string, ...extra: string[]) => {
    const r = await runCli(['policy', 'check', image, '--env', env, '--json', ...extra]);
    assert.ok(r.code === 0 || r.code === 6, `exit ${r.code}: ${r.stderr.slice(-2000)}`);
    const j = JSON.parse(r.stdout) as CheckJson;
    const failed = j.results.filter((x) => x.status === 'fail').map((x) => x.rule);
    assert.equal(r.code === 0, failed.length === 0, 'exit 0 exactly when no rule fails');
    return { code: r.code, json: j, failed };
  };

  before(async () => {
    dir = await copyExample('hello-c');
    assert.equal((await runCli(['keygen', '--out', join(outs, 'signer')])).code, 0);
    assert.equal((await runCli(['keygen', '--out', join(outs, 'other')])).code, 0);
    const args = ['-c', join(dir, 'airlock.yaml'), '--out', join(outs, 'out'), '--sign', join(outs, 'signer.key'), '--quiet'];
    const b = await runCli(['build', ...args]);
    assert.equal(b.code, 0, b.stderr.slice(-3000));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(outs, { recursive: true, force: true });
  });

  test('the signed prod image passes production, with the gate verdict read from its signed provenance', async () => {
    const r = await check(oci('latest-prod'), 'production', '--key', join(outs, 'signer.pub'));
    assert.deepEqual(r.failed, []);
    assert.equal(r.json.facts.variant, 'prod');
    assert.equal(r.json.facts.gates, 'passed');
    const rules = r.json.results.map((x) => x.rule);
    for (const rule of ['allowed-tags', 'forbidden-tags', 'variant', 'signature', 'attestation-sbom', 'attestation-provenance', 'gates']) {
      assert.ok(rules.includes(rule), `${rule} is checked`);
    }
    const text = await runCli(['policy', 'check', oci('latest'), '--env', 'production', '--key', join(outs, 'signer.pub')]);
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.match(text.stdout, /passes for production/);
  });

  test('the dev image fails production: by its tag, and by its variant label when copied to a -prod tag', async () => {
    const asTagged = await check(oci('latest-dev'), 'production', '--key', join(outs, 'signer.pub'));
    assert.equal(asTagged.code, 6);
    assert.deepEqual(asTagged.failed.sort(), ['allowed-tags', 'forbidden-tags', 'variant']);
    const copied = `oci:${join(outs, 'copied')}:1.0-prod`;
    assert.equal((await runCli(['copy', oci('latest-dev'), copied, '--quiet'])).code, 0);
    const disguised = await check(copied, 'production', '--key', join(outs, 'signer.pub'));
    assert.equal(disguised.code, 6);
    assert.ok(disguised.failed.includes('variant'), `variant rule fails: ${disguised.failed}`);
    assert.ok(!disguised.failed.includes('allowed-tags') && !disguised.failed.includes('forbidden-tags'), 'the -prod tag itself passes');
    const dev = await check(oci('latest-dev'), 'development', '--key', join(outs, 'signer.pub'));
    assert.deepEqual(dev.failed, [], 'development runs dev images');
  });

  test('an unsigned copy and a wrong key fail the signature rule (and what depends on it)', async () => {
    const unsigned = `oci:${join(outs, 'unsigned')}:1.2.3`;
    assert.equal((await runCli(['copy', oci('latest-prod'), unsigned, '--quiet'])).code, 0);
    const u = await check(unsigned, 'production', '--key', join(outs, 'signer.pub'));
    assert.deepEqual(u.failed.sort(), ['attestation-provenance', 'attestation-sbom', 'gates', 'signature']);
    const w = await check(oci('latest-prod'), 'production', '--key', join(outs, 'other.pub'));
    assert.deepEqual(w.failed.sort(), ['attestation-provenance', 'attestation-sbom', 'gates', 'signature']);
    const text = await runCli(['policy', 'check', oci('latest-prod'), '--env', 'production', '--key', join(outs, 'other.pub')]);
    assert.equal(text.code, 6);
    assert.match(text.stdout, /FAIL signature: not signed with the policy key: no signature .* verifies/);
  });

  test('a config policy is applied, and bad input gets usage errors', async () => {
    const cfg = join(outs, 'policy.yaml');
    writeFileSync(cfg, 'name: hello-c\ndeployment_policy:\n  production:\n    allowed_tags: ["hello-c:*-prod"]\n    min_coverage: 80\n');
    const r = await check(oci('latest'), 'production', '--key', join(outs, 'signer.pub'), '-c', cfg);
    assert.deepEqual(r.failed, ['allowed-tags', 'coverage'], 'hello-c:latest is not hello-c:*-prod; hello-c measures no coverage');
    assert.match(r.json.results.find((x) => x.rule === 'coverage')?.message ?? '', /records a coverage figure/);
    const env = await runCli(['policy', 'check', oci('latest-prod'), '--env', 'prod']);
    assert.equal(env.code, 2);
    assert.match(env.stderr, /--env "prod" is not one of production, staging, development/);
    const key = await runCli(['policy', 'check', oci('latest-prod'), '--env', 'production', '--key', join(outs, 'missing.pub')]);
    assert.equal(key.code, 2);
    assert.match(key.stderr, /key-not-found.*missing\.pub/);
    writeFileSync(cfg, 'name: hello-c\ndeployment_policy:\n  production:\n    allowed_tags: ["hello c:[0-9]"]\n');
    const pattern = await runCli(['policy', 'check', oci('latest-prod'), '--env', 'production', '-c', cfg]);
    assert.equal(pattern.code, 2);
    assert.match(pattern.stderr, /policy\.yaml:4:\d+: deployment_policy\.production\.allowed_tags\[0\]: expected a tag pattern/);
  });
});

// Rule evaluation is pure: image facts in, failed rules out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { environmentRules, evaluate, matchesPattern, type ImageFacts } from './rules.js';

const signedProd: ImageFacts = {
  reference: 'my-service:1.4.2', variant: 'prod',
  signature: { status: 'verified', detail: 'a signature verifies with k.pub' },
  attestations: ['sbom', 'provenance'], gates: 'passed',
};
const failed = (env: 'production' | 'staging' | 'development', facts: ImageFacts, policy?: Parameters<typeof environmentRules>[0]) =>
  evaluate(environmentRules(policy, env), facts).filter((r) => r.status === 'fail').map((r) => r.rule);

test('defaults: a signed, attested, gated prod image passes production; every missing piece is its own failure', () => {
  assert.deepEqual(failed('production', signedProd), []);
  const dev = { ...signedProd, reference: 'my-service:main-dev', variant: 'dev' };
  assert.deepEqual(failed('production', dev), ['allowed-tags', 'forbidden-tags', 'variant']);
  assert.deepEqual(failed('production', { ...signedProd, reference: 'my-service:1.4.2-dev' }), ['forbidden-tags'], 'a -dev prerelease');
  const disguised = { ...signedProd, reference: 'my-service:1.0-prod', variant: 'dev' };
  assert.deepEqual(failed('production', disguised), ['variant'], 'a dev image however tagged');
  assert.deepEqual(failed('production', { ...signedProd, gates: 'skipped' }), ['gates']);
  assert.deepEqual(failed('production', { ...signedProd, attestations: ['provenance'] }), ['attestation-sbom']);
  const unsigned: ImageFacts = { ...signedProd, signature: { status: 'missing', detail: 'no signature' }, attestations: [] };
  assert.deepEqual(failed('production', unsigned), ['signature', 'attestation-sbom', 'attestation-provenance', 'gates']);
  const { variant: _v, ...unlabelled } = signedProd;
  assert.deepEqual(failed('staging', unlabelled), ['variant']);
  assert.deepEqual(failed('development', { ...unsigned, variant: 'dev', reference: 'x:anything' }), []);
});

test('a written policy overrides only what it names; min_coverage reads the signed figure', () => {
  const policy = { production: { allowed_tags: ['my-service:*-prod', 'my-service:latest'], min_coverage: 80 } };
  const measured = { ...signedProd, coverage: 91 };
  assert.deepEqual(failed('production', measured, policy), ['allowed-tags'], '1.4.2 is not in the written list');
  assert.deepEqual(failed('production', { ...measured, reference: 'reg.example/team/my-service:latest' }, policy), []);
  const coverage = (facts: typeof signedProd) => evaluate(environmentRules(policy, 'production'), facts).find((r) => r.rule === 'coverage');
  assert.match(coverage({ ...signedProd, coverage: 85.5 })?.message ?? '', /85\.5% test coverage \(minimum 80%\)/);
  assert.equal(coverage({ ...signedProd, coverage: 85.5 })?.status, 'pass');
  assert.equal(coverage({ ...signedProd, coverage: 79.9 })?.status, 'fail');
  assert.match(coverage(signedProd)?.message ?? '', /no signed provenance records a coverage figure/);
  assert.equal(coverage({ ...signedProd, coverage: 90, signature: { status: 'missing', detail: 'unsigned' } })?.status, 'fail');
  assert.deepEqual(failed('production', { ...signedProd, gates: 'failed' }, { production: { require_gates_passed: false } }), []);
  assert.deepEqual(failed('development', { ...signedProd, variant: 'dev' }, { development: { variants: ['prod'] } }), ['variant']);
});

test('tag patterns: REPO:TAG against the reference or a tail after /, TAG alone against the tag, {semver}', () => {
  assert.ok(matchesPattern('my-service:*-prod', 'host:5000/team/my-service:1.0-prod'));
  assert.ok(!matchesPattern('my-service:*-prod', 'host:5000/team/not-my-service:1.0-prod'));
  assert.ok(matchesPattern('*-dev', 'host:5000/app:main-dev'));
  assert.ok(!matchesPattern('*-dev', 'host:5000/app-dev:1.0'));
  assert.ok(matchesPattern('*/dev:*', 'host/app/dev:latest'));
  for (const t of ['1', '1.2', '1.2.3', '1.2.3-rc.1']) assert.ok(matchesPattern('{semver}', `app:${t}`), t);
  for (const t of ['v1.2.3', '1.2-dev', '01.2.3', 'latest']) assert.ok(!matchesPattern('{semver}', `app:${t}`), t);
  assert.ok(matchesPattern('app:1.2.*', 'app:1.2.9'));
  assert.ok(!matchesPattern('app:1.2.*', 'app:1x2.9'), '. is literal');
});

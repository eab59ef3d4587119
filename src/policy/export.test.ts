// The exported admission policies validate against the official CRD schemas (and a broken one does not).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, stringify } from 'yaml';
import { admissionPolicyErrors } from '../../test/fixtures/policy/schemas.js';
import { kyvernoPolicy, policyControllerPolicy, referenceRegex } from './export.js';
import { environmentRules } from './rules.js';

const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n';
const seed = {
  production: { allowed_tags: ['my-service:*-prod', 'my-service:latest'], forbidden_tags: ['my-service:*-dev'] },
  development: { allowed_tags: ['my-service:*-dev', 'my-service:*-prod'] },
};
// the documents as a user gets them: through the YAML text
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const viaYaml = (doc: unknown) => parse(stringify(doc, { aliasDuplicateObjects: false })) as Doc;
type Env = 'production' | 'staging' | 'development';
const input = (env: Env, policy?: typeof seed) => ({ name: 'my-service', env, rules: environmentRules(policy, env), publicKeyPem: PEM });
const kyverno = (env: Env, policy?: typeof seed) => viaYaml(kyvernoPolicy(input(env, policy)));
const cip = (env: Env, policy?: typeof seed) => viaYaml(policyControllerPolicy(input(env, policy)));

test('kyverno ClusterPolicy for each environment, defaults and the seed policy, validates against the CRD schema', () => {
  for (const policy of [undefined, seed]) {
    for (const env of ['production', 'staging', 'development'] as const) {
      assert.deepEqual(admissionPolicyErrors('kyverno', kyverno(env, policy)), [], `${env}`);
    }
  }
  const prod = kyverno('production');
  const verify = prod.spec.rules.find((r: Doc) => r.verifyImages).verifyImages[0];
  assert.equal(verify.attestors[0].entries[0].keys.publicKeys, PEM);
  assert.deepEqual(verify.attestations.map((a: { type: string }) => a.type), ['https://spdx.dev/Document', 'https://slsa.dev/provenance/v1']);
  const conditions = JSON.stringify(verify.attestations[1].conditions);
  assert.match(conditions, /externalParameters\.variant.*AnyIn.*\["prod"\]/);
  assert.match(conditions, /airlock-gates.*dev\.airlock\.gates.*passed/);
  const names = ['production-allowed-tags', 'production-forbidden-tags', 'production-signed-and-attested'];
  assert.deepEqual(prod.spec.rules.map((r: { name: string }) => r.name), names);
  assert.equal(prod.spec.rules[0].match.any[0].resources.namespaceSelector.matchLabels['airlock.dev/environment'], 'production');
});

test('policy-controller ClusterImagePolicy validates against the CRD schema', () => {
  for (const env of ['production', 'development'] as const) {
    assert.deepEqual(admissionPolicyErrors('policy-controller', cip(env, seed)), [], env);
  }
  const prod = cip('production');
  const auth = prod.spec.authorities[0];
  assert.equal(auth.key.data, PEM);
  assert.deepEqual(auth.attestations.map((a: { predicateType: string }) => a.predicateType), ['spdxjson', 'slsaprovenance1']);
  assert.match(auth.attestations[1].policy.data, /variant == variants\[_\][\s\S]*"passed"/);
});

test('the schema check can fail: broken documents are rejected', () => {
  const doc = kyverno('production');
  doc.spec.rules[0].validate.foreach[0].deny.conditions = 'not an object';
  doc.spec.rules[2].verifyImages[0].failureAction = 'Block';
  delete doc.spec.rules[1].match;
  const errors = admissionPolicyErrors('kyverno', doc).join('\n');
  assert.match(errors, /failureAction/);
  assert.match(errors, /required.*match/);
  const image = cip('production');
  image.spec.authorities[0].key.pem = image.spec.authorities[0].key.data;
  image.kind = 'ImagePolicy';
  assert.equal(admissionPolicyErrors('policy-controller', image).length >= 2, true);
});

test('the reference regex the Kyverno rules use agrees with the check\'s matching', () => {
  const allowed = new RegExp(referenceRegex(['*-prod', '{semver}', 'latest']));
  const yes = ['registry.example:5000/team/app:1.0-prod', 'app:1.2.3', 'app:1.2', 'app:1', 'app:latest'];
  for (const ok of yes) assert.match(ok, allowed);
  for (const no of ['app:1.0-dev', 'app:v1.2.3', 'registry.example:5000/app-prod', 'app:01.2']) assert.doesNotMatch(no, allowed);
  const forbidden = new RegExp(referenceRegex(['my-service:*-dev', '*/dev:*']));
  assert.match('host/team/my-service:x-dev', forbidden);
  assert.match('host/my-service/dev:latest', forbidden);
  assert.doesNotMatch('host/team/other-my-service:x-dev', forbidden);
});

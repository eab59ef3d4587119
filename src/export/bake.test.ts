import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bakeDocument, renderBake, renderBakeHcl, type BakeService } from './bake.js';

const svc = (name: string): BakeService => ({ name, tag: 'v1', context: `../${name}`, dockerfile: `../out/${name}/Dockerfile`, epoch: 1700000000 });

test('one config: targets dev, prod and test and a default group of them', () => {
  const hcl = renderBake([svc('web')]);
  assert.match(hcl, /^group "default" \{\n {2}targets = \["dev", "prod", "test"\]\n\}$/m);
  assert.match(hcl, /target "prod" \{\n {2}context {4}= "\.\.\/web"\n {2}dockerfile = "\.\.\/out\/web\/Dockerfile"\n {2}target {5}= "prod"\n {2}tags {7}= \["web:v1-prod"\]\n {2}args {7}= \{ SOURCE_DATE_EPOCH = "1700000000" \}\n\}/);
  assert.equal(hcl.match(/^target /gm)?.length, 3);
});

test('several configs: a group per service, the default group naming them all', () => {
  const hcl = renderBake([svc('web'), svc('api')]);
  assert.match(hcl, /^group "default" \{\n {2}targets = \["web", "api"\]\n\}$/m);
  assert.match(hcl, /^group "api" \{\n {2}targets = \["api-dev", "api-prod", "api-test"\]\n\}$/m);
  assert.match(hcl, /^target "web-test" \{\n[^}]*target {5}= "test"/m);
  assert.equal(hcl.match(/^target /gm)?.length, 6);
});

test('HCL interpolation in a value is escaped', () => {
  assert.match(renderBake([{ ...svc('web'), context: '../${x}' }]), /context {4}= "\.\.\/\$\$\{x\}"/);
});

test('the bake document is valid against the bake schema (bake JSON form), one service or several', async () => {
  const { Ajv } = await import('ajv');
  const { readFileSync } = await import('node:fs');
  const ajv = new Ajv({ strict: false, allErrors: true });
  const schema = new URL('../../test/schemas/docker/docker-bake.json', import.meta.url);
  const validate = ajv.compile(JSON.parse(readFileSync(schema, 'utf8')));
  for (const services of [[svc('web')], [svc('web'), svc('api')]]) {
    assert.equal(validate(bakeDocument(services)), true, JSON.stringify(validate.errors));
  }
  // The check can fail: a target whose tags are not a list is rejected.
  const bad = bakeDocument([svc('web')]) as unknown as { target: Record<string, Record<string, unknown>> };
  bad.target.prod!.tags = 'web:v1-prod';
  assert.equal(validate(bad), false);
});

test('the HCL says what the document says, block by block', () => {
  const doc = bakeDocument([svc('web')]);
  const hcl = renderBakeHcl(doc);
  for (const [name, t] of Object.entries(doc.target)) {
    assert.ok(hcl.includes(`target "${name}" {\n  context    = "${t.context}"\n  dockerfile = "${t.dockerfile}"\n  target     = "${t.target}"`));
  }
});

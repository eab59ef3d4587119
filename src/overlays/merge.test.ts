// Environment overlays: maps merged key by key, lists and scalars replaced, a stable key order and output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { runGates } from '../gates/run-gates.js';
import { file, image } from '../gates/test-kit.js';
import { allChecks } from '../gates/checks/index.js';
import { AirlockError } from '../errors.js';
import { mergeConfig, mergedConfigs, parseConfigFile, renderConfig } from './merge.js';

const BASE = 'server:\n  port: 8080\n  timeout_ms: 5000\nlog:\n  level: info\n  outputs: [stdout, file]\nfeatures:\n  beta: false\n';
const DEV = 'log:\n  level: debug\n  outputs: [stdout]\nfeatures:\n  beta: true\n  mock_payments: true\nauth: null\n';
const PROD = 'server:\n  timeout_ms: 30000\n';

test('maps merge key by key, lists and scalars (and null) replace, base keys first', () => {
  const merged = mergedConfigs({ base: { name: 'base.yaml', text: BASE }, dev: { name: 'dev.yaml', text: DEV },
    prod: { name: 'prod.yaml', text: PROD }, path: '/etc/app/config.yaml' });
  assert.equal(merged.dev, [
    'server:', '  port: 8080', '  timeout_ms: 5000', 'log:', '  level: debug', '  outputs:', '    - stdout',
    'features:', '  beta: true', '  mock_payments: true', 'auth: null', '',
  ].join('\n'));
  assert.deepEqual(parseConfigFile(merged.prod, 'p'), {
    server: { port: 8080, timeout_ms: 30000 }, log: { level: 'info', outputs: ['stdout', 'file'] }, features: { beta: false },
  });
  assert.equal(merged.base, renderConfig(parseConfigFile(BASE, 'b'), 'x.yaml'));
  const json = mergedConfigs({ base: { name: 'b.json', text: '{"a": {"b": 1}, "c": [1, 2]}' }, prod: { name: 'p.json', text: '{"c": [3]}' }, path: '/etc/a.json' });
  assert.equal(json.prod, '{\n  "a": {\n    "b": 1\n  },\n  "c": [\n    3\n  ]\n}\n');
  assert.equal(json.dev, '{\n  "a": {\n    "b": 1\n  },\n  "c": [\n    1,\n    2\n  ]\n}\n', 'no dev overlay: the base');
});

test('merge laws: an empty overlay keeps the base, an overlay applied twice changes nothing more, output is stable', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string(), fc.boolean(), fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), tie('value'), { maxKeys: 4, noNullPrototype: true })),
  })).value;
  const map = fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), json, { maxKeys: 5, noNullPrototype: true });
  fc.assert(fc.property(map, map, (base, overlay) => {
    assert.deepEqual(mergeConfig(base, {}), base);
    const once = mergeConfig(base, overlay);
    assert.deepEqual(mergeConfig(once, overlay), once);
    for (const k of Object.keys(overlay)) assert.ok(Object.hasOwn(once as object, k));
    assert.equal(renderConfig(once, 'c.yaml'), renderConfig(mergeConfig(base, overlay), 'c.yaml'));
  }));
});

test('a file that is not YAML is a usage error naming it', () => {
  assert.throws(() => parseConfigFile('a: [1\n', 'config/dev.yaml'), (e) => e instanceof AirlockError && e.exitCode === 2 && /config\/dev\.yaml/.test(e.message));
  assert.throws(() => parseConfigFile('a: 1\na: 2\n', 'config/base.yaml'), /config\/base\.yaml/);
});

test('the no-dev-config gate finds the dev overlay (by content, at any path) in prod, and passes the prod merge', async () => {
  const sha = (t: string) => ({ sha256: createHash('sha256').update(t).digest('hex'), size: Buffer.byteLength(t) });
  const devConfig = [{ ...sha(DEV), what: 'development overlay of app_config' }];
  const run = async (layers: ReturnType<typeof file>[][]) => runGates(await image(layers, { user: '65532:65532' }),
    { profile: 'prod', config: { devConfig }, checks: allChecks.filter((c) => c.id === 'no-dev-config') });
  const found = await run([[file('etc/app/config.yaml', PROD)], [file('app/config/dev.yaml', DEV)]]);
  assert.equal(found.passed, false);
  assert.deepEqual(found.findings.map((f) => [f.id, f.path, f.message]), [
    ['no-dev-config', 'app/config/dev.yaml', '/app/config/dev.yaml is the development overlay of app_config; prod gets the production config']]);
  const clean = await run([[file('etc/app/config.yaml', PROD), file('etc/other', 'x'.repeat(Buffer.byteLength(DEV)))]]);
  assert.deepEqual(clean.findings, [], 'same size, other bytes');
});

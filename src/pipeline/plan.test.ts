// The build plan: pure, stable, free of host paths; step inputs as the packs and the config say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize } from '../config/normalize.js';
import { WrittenConfigSchema } from '../config/schema.js';
import type { Lock } from '../debian/types.js';
import { AirlockError } from '../errors.js';
import { languagePack } from '../lang/index.js';
import type { SourceInfo } from '../lang/pack.js';
import { isManifestPath, makePlan, planJson, type PlanInputs } from './plan.js';
import { packageRequests } from './requests.js';
import { renderPlan } from './plan-view.js';
import { chooseExecution } from './execution.js';

const lock: Lock = {
  lockVersion: 1, codename: 'bookworm', osVersion: '12', architecture: 'amd64', configDigest: 'x', repositories: [], indexEpoch: 1700000000,
  sets: {
    builder: [{ name: 'zlib1g', version: '1:1.2.13', architecture: 'amd64', source: 'zlib', size: 1, sha256: 'a'.repeat(64), filename: 'z.deb', repository: 0, depends: [] },
      { name: 'gcc-12', version: '12.2.0', architecture: 'amd64', source: 'gcc-12', size: 1, sha256: 'b'.repeat(64), filename: 'g.deb', repository: 0, depends: [] }],
    runtime: [],
  },
};

function inputs(written: Record<string, unknown>, files: string[], dir = '/home/someone/proj'): PlanInputs {
  const config = normalize(WrittenConfigSchema.parse(written), { file: `${dir}/airlock.yaml`, architecture: 'amd64' });
  const pack = languagePack(config.language);
  const source: SourceInfo = { topFiles: new Set(files), topText: new Map([['package.json', '{"scripts":{"test":"node t.js"}}']]), topDirs: new Set() };
  return {
    config, lock, pack, source, requests: packageRequests(config, pack, source), upstream: false,
    epoch: { seconds: 1700000000, from: 'SOURCE_DATE_EPOCH' }, airlockVersion: '0.1.0+test',
    execution: chooseExecution(config, pack, [], 'amd64', 'amd64'),
  };
}

test('the plan names no host path and is the same for the same project in another folder', () => {
  const a = planJson(makePlan(inputs({ name: 'app', base_language: 'c' }, ['Makefile'], '/home/a/proj')));
  const b = planJson(makePlan(inputs({ name: 'app', base_language: 'c' }, ['Makefile'], '/srv/b/elsewhere')));
  assert.equal(a, b);
  assert.doesNotMatch(a, /\/home\/a|\/srv\/b/);
});

test('plan JSON is stable: keys sorted at every level, builder packages sorted', () => {
  const plan = makePlan(inputs({ name: 'app', base_language: 'c' }, ['Makefile']));
  const json = planJson(plan);
  const sortedKeys = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.every(sortedKeys);
    if (v && typeof v === 'object') {
      const k = Object.keys(v);
      return k.join('\0') === [...k].sort().join('\0') && Object.values(v).every(sortedKeys);
    }
    return true;
  };
  assert.ok(sortedKeys(JSON.parse(json)));
  assert.deepEqual(plan.builder.packages, ['gcc-12=12.2.0', 'zlib1g=1:1.2.13']);
  assert.equal(planJson(makePlan(inputs({ name: 'app', base_language: 'c' }, ['Makefile']))), json);
});

test("a pack's fetch step sees the manifests; a declared one, and build and test steps, the whole source", () => {
  const node = makePlan(inputs({ name: 'app', base_language: 'node' }, ['package.json', 'package-lock.json']));
  assert.deepEqual(node.steps.map((s) => [s.phase, s.inputs, s.network]).slice(0, 2), [['fetch', 'manifests', true], ['build', 'source', false]]);
  assert.deepEqual(node.steps.find((s) => s.phase === 'fetch')?.caches, [{ name: 'npm', path: '/airlock/cache/npm' }]);
  const declared = makePlan(inputs({ name: 'app', base_language: 'node', build: { fetch: ['npm ci'] } }, ['package.json']));
  assert.equal(declared.steps[0]!.inputs, 'source');
  assert.equal(declared.steps[0]!.command, 'npm ci');
  const test_ = declared.steps.filter((s) => s.phase === 'test');
  assert.ok(test_.length > 0 && test_.every((s) => s.inputs === 'source' && !s.network));
});

test('manifest paths: top-level manifests and vendored folders, not sources', () => {
  for (const p of ['package.json', 'package-lock.json', 'go.sum', 'Cargo.lock', 'requirements.txt', 'pom.xml', 'vendor', 'vendor/x/y.go', 'wheels/a.whl']) assert.ok(isManifestPath(p), p);
  for (const p of ['src/index.js', 'main.go', 'lib/package.json', 'vendored.txt', 'README.md']) assert.ok(!isManifestPath(p), p);
});

test('a project with nothing to build fails while planning, before any download', () => {
  assert.throws(() => makePlan(inputs({ name: 'app', base_language: 'c' }, ['main.c'])), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.equal(e.code, 'no-build-steps');
    assert.equal(e.exitCode, 2);
    return true;
  });
});

test('handoff and variants follow the config', () => {
  const plan = makePlan(inputs({
    name: 'app', base_language: 'c', runtime: { entrypoint: ['/usr/bin/app', '--serve'], env: { A: '1' } },
    artifacts: [{ from: '/usr/bin/app', to: '/usr/bin/app' }], variants: { prod: { strip_binaries: false } },
  }, ['Makefile']));
  assert.deepEqual(plan.handoff.entrypoint, ['/usr/bin/app', '--serve']);
  assert.equal(plan.handoff.strip, false);
  assert.equal(plan.handoff.artifacts?.[0]?.to, '/usr/bin/app');
  assert.deepEqual(plan.variants.prod.env, { A: '1' });
  assert.equal(plan.variants.prod.user, '65532:65532');
  assert.equal(plan.env.SOURCE_DATE_EPOCH, '1700000000');
});

test('variants.prod.icu is part of prod\'s recipe (a change rebuilds) and of the plan\'s text; absent, nothing is said', () => {
  const plan = makePlan(inputs({ name: 'app', base_language: 'c', variants: { prod: { icu: { languages: ['en'] } } } }, ['Makefile']));
  assert.deepEqual(plan.variants.prod.icu, { languages: ['en'], converters: true });
  assert.match(renderPlan(plan), /\n {8}ICU data trimmed: languages en, legacy charset converters kept \(variants\.prod\.icu\)\n/);
  const plain = makePlan(inputs({ name: 'app', base_language: 'c' }, ['Makefile']));
  assert.equal('icu' in plain.variants.prod, false);
  assert.doesNotMatch(renderPlan(plain), /ICU/);
});

test('a cross build plans its steps on the host\'s builder with the cross environment; dev keeps the target\'s builder', () => {
  const arm: Lock = { ...lock, architecture: 'arm64', sets: { builder: lock.sets.builder.map((p) => ({ ...p, architecture: 'arm64', sha256: 'c'.repeat(64) })), runtime: [] } };
  const base = inputs({ name: 'app', base_language: 'go', debian: { architectures: ['amd64', 'arm64'] } }, ['go.mod', 'main.go']);
  const config = { ...base.config, debian: { ...base.config.debian, architecture: 'arm64' } };
  const execution = chooseExecution(config, base.pack, [], 'arm64', 'amd64');
  const plan = makePlan({ ...base, config, lock: arm, execution, stepsLock: lock });
  assert.equal(plan.execution.mode, 'cross');
  assert.equal(plan.env.GOARCH, 'arm64');
  assert.equal(plan.env.CGO_ENABLED, '0');
  assert.equal(plan.execution.builder?.architecture, 'amd64');
  const native = makePlan(base);
  assert.equal(plan.execution.builder?.rootfsKey, native.builder.rootfsKey, 'the steps run on the amd64 builder');
  assert.notEqual(plan.builder.rootfsKey, native.builder.rootfsKey, 'dev and test stay on the arm64 builder');
  assert.equal(plan.image.architecture, 'arm64');
  assert.match(renderPlan(plan), /cross/);
  assert.throws(() => makePlan({ ...base, config, lock: arm, execution }), /host's builder/);
  assert.equal(native.execution.mode, 'native');
  assert.equal(native.env.GOARCH, undefined);
});

// The seeds' configs load as written; the nested packages form; scalars keep their text; the digest tracks resolution inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from './parse.js';
import { ConfigError, formatProblem } from './problems.js';

const samples = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'config-samples');
const load = (text: string, file = '/project/airlock.yaml') => parseConfig(text, { file, displayName: 'airlock.yaml', architecture: 'amd64' });
const sample = (name: string) => parseConfig(readFileSync(join(samples, name), 'utf8'), { file: join(samples, name), architecture: 'amd64' });

test('every seed sample loads', () => {
  const files = readdirSync(samples).filter((f) => f.startsWith('seed-') && f.endsWith('.yaml'));
  assert.ok(files.length >= 6, `expected the seed samples, found ${files.join(', ')}`);
  for (const f of files) assert.doesNotThrow(() => sample(f), f);
});

test('seed: my-application (nested packages form, gcc-12, hardening maximum)', () => {
  const { config, warnings } = sample('seed-my-application.yaml');
  assert.equal(config.name, 'my-application');
  assert.equal(config.language, 'c');
  assert.equal(config.version, 'gcc-12');
  assert.deepEqual(config.devPackages.map((p) => p.name), ['cmake', 'autotools-dev', 'automake', 'libtool', 'python3-dev', 'git']);
  assert.deepEqual(config.packages.map((p) => p.name), ['curl', 'ca-certificates', 'libssl3']);
  assert.equal(config.buildFlags.hardening, 'maximum');
  assert.deepEqual(warnings, []);
});

test('seed: web-service (version 3.12, pinned {name: version} packages)', () => {
  const { config } = sample('seed-web-service.yaml');
  assert.equal(config.language, 'python');
  assert.equal(config.version, '3.12');
  assert.deepEqual(config.packages, [{ name: 'fastapi', version: '0.104.1' }, { name: 'uvicorn', version: '0.24.0' }]);
  assert.deepEqual(config.devPackages.map((p) => p.name), ['pytest', 'black', 'mypy', 'ipython']);
});

test('seed: go-api, variants and deployment policy', () => {
  assert.equal(sample('seed-go-api.yaml').config.version, '1.21');
  const v = sample('seed-my-service-variants.yaml');
  assert.equal(v.config.variants.prod.stripBinaries, true);
  assert.equal(v.config.variants.test.includeSource, true, 'test default kept when the seed leaves it out');
  assert.match(v.warnings[0]!, /base_language is not set; using the C toolchain/);
  const p = sample('seed-deployment-policy.yaml').config.deploymentPolicy;
  assert.deepEqual(p, {
    production: { allowed_tags: ['my-service:*-prod', 'my-service:latest'], forbidden_tags: ['my-service:*-dev'] },
    development: { allowed_tags: ['my-service:*-dev', 'my-service:*-prod'] },
  });
});

test('nested and flat package forms normalize the same, and give the same digest', () => {
  const flat = load('name: a\nbase_language: c\ndev_packages: [cmake]\npackages: [curl]\n');
  const nested = load('name: a\nbase_language: c\npackages:\n  dev_packages: [cmake]\n  packages: [curl]\n');
  assert.deepEqual(nested.config, flat.config);
  assert.equal(nested.digest, flat.digest);
});

test('scalars keep the text written where a string is meant', () => {
  const { config } = load([
    'name: a', 'base_language: go', 'version: 1.10', 'tag: 2.0', 'packages: [{foo: 1.10}]',
    'artifacts: [{from: usr/bin/a, mode: 0755}, {from: usr/bin/b, mode: 644}]',
    'runtime: {env: {DEBUG: yes, N: 010}, user: 1000}',
  ].join('\n'));
  assert.equal(config.version, '1.10');
  assert.equal(config.tag, '2.0');
  assert.deepEqual(config.packages, [{ name: 'foo', version: '1.10' }]);
  assert.deepEqual(config.artifacts!.map((a) => a.mode), [0o755, 0o644]);
  assert.deepEqual(config.runtime.env, { DEBUG: 'yes', N: '010' });
  assert.equal(config.runtime.user, '1000');
});

test('the digest ignores what does not change resolution and where the config lives', () => {
  const base = 'name: a\nbase_language: c\npackages: [curl]\ndebian: {keyring: keys/archive.gpg}\n';
  const d = load(base).digest;
  assert.match(d, /^[0-9a-f]{64}$/);
  assert.equal(load(base, '/elsewhere/deep/airlock.yaml').digest, d, 'moving the project keeps the digest');
  assert.equal(load(`# comment\n${base}tag: v2\nruntime: {cmd: [x]}\n`).digest, d, 'tag, runtime and comments do not count');
  assert.notEqual(load(base.replace('[curl]', '[curl, wget]')).digest, d);
  assert.equal(load(base.replace('[curl]', '[wget, curl]')).digest, load(base.replace('[curl]', '[curl, wget]')).digest, 'order does not count');
  assert.notEqual(load(base.replace('[curl]', '[curl=7.88.1-10]')).digest, d);
  assert.notEqual(load(base.replace('c\n', 'cpp\n')).digest, d);
  assert.notEqual(parseConfig(base, { file: '/p/airlock.yaml', architecture: 'arm64' }).digest, d);
});

test('aliases resolve, and top-level x- keys hold anchors without being config', () => {
  const { config } = load('x-base: &base [curl, ca-certificates]\nname: a\nbase_language: c\npackages: *base\ndev_packages: *base\n');
  assert.deepEqual(config.packages.map((p) => p.name), ['curl', 'ca-certificates']);
  assert.deepEqual(config.devPackages, config.packages);
});

test('settings written without a value count as not written; required ones are still required', () => {
  const { config } = load('name: a\nbase_language: c\nbuild:\n  # steps: [make]\ndev_packages:\nvariants:\n  prod:\nruntime:\n  workdir:\n');
  assert.deepEqual(config.build, {});
  assert.deepEqual(config.devPackages, []);
  assert.equal(config.variants.prod.stripBinaries, true);
  assert.equal(config.runtime.workdir, undefined);
  assert.throws(() => load('name:\nbase_language: c\n'), /name: missing required key `name`/);
  assert.throws(() => load('name: a\nruntime:\n  env: {EMPTY: }\n'), /runtime\.env\.EMPTY: expected a string, a number or a boolean \(true or false\), got nothing/);
});

test('the complete example (shown in docs/config.md) loads without warnings and sets every section', () => {
  const { config, warnings } = sample('full.yaml');
  assert.deepEqual(warnings, []);
  assert.equal(config.tag, '1.4.2');
  assert.deepEqual(config.packages, [{ name: 'ca-certificates' }, { name: 'libssl3', version: '3.0.15-1~deb12u1' }]);
  assert.equal(config.build.steps?.length, 3);
  assert.deepEqual(config.artifacts?.[1], { from: 'config/hello.conf', fromRoot: 'src', to: '/etc/hello/hello.conf', mode: 0o644 });
  assert.deepEqual(config.runtime.ports, ['8080/tcp']);
  assert.equal(config.variants.prod.maxSize, 20_000_000);
  assert.deepEqual(config.variants.dev.debugTools, ['gdb', 'strace', 'valgrind']);
  assert.equal(config.debian.suite, 'bookworm');
});

test('deployment_policy: unknown environments, bad tag patterns and unknown attestations are positioned errors', () => {
  const text = [
    'name: a', 'deployment_policy:', '  producton:', '    allowed_tags: ["*"]', '  production:',
    '    allowed_tags: ["my service:*"]', '    required_attestations: [sbom, coverage]',
  ].join('\n');
  const err = (() => { try { load(text); } catch (e) { return e as ConfigError; } return undefined; })();
  assert.ok(err instanceof ConfigError, 'the config is rejected');
  const lines = err.problems.map(formatProblem).join('\n');
  assert.match(lines, /:3:3: deployment_policy\.producton: .*did you mean `production`/);
  assert.match(lines, /:6:\d+: deployment_policy\.production\.allowed_tags\[0\]: expected a tag pattern/);
  assert.match(lines, /:7:\d+: deployment_policy\.production\.required_attestations\[1\]: expected one of sbom, provenance, vex/);
});

// Golden tests of config error output: file:line:col, dotted path, expectation, suggestion. UPDATE_GOLDEN=1 rewrites them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatError } from '../errors.js';
import { parseConfig } from './parse.js';
import { ConfigError } from './problems.js';

const golden = join(dirname(fileURLToPath(import.meta.url)), 'golden');

function failure(yaml: string): ConfigError {
  try {
    parseConfig(yaml, { file: '/project/airlock.yaml', displayName: 'airlock.yaml', architecture: 'amd64' });
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    assert.equal(e.code, 'invalid-config');
    return e;
  }
  assert.fail('the config was accepted');
}

function checkGolden(name: string, yaml: string): ConfigError {
  const err = failure(yaml);
  const text = `${yaml.trimEnd()}\n---- error ----\n${formatError(err)}\n`;
  const file = join(golden, `${name}.txt`);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), `golden ${file} differs (UPDATE_GOLDEN=1 to accept the new output)`);
  return err;
}

const lines = (e: ConfigError) => e.problems.map((p) => `${p.position.line}:${p.position.col} ${p.path.join('.')}`);

test('YAML syntax errors are positioned', () => {
  const e = checkGolden('syntax', 'name: app\npackages: [curl\nversion: 12\n');
  assert.match(e.message, /airlock\.yaml:3:\d+: YAML syntax:/);
});

test('duplicate keys are syntax errors at the second key', () => {
  const e = checkGolden('duplicate-key', 'name: app\nbase_language: c\nname: other\n');
  assert.deepEqual(lines(e).map((l) => l.split(' ')[0]), ['3:1']);
});

test('unknown keys point at the key and suggest the close known key or alias', () => {
  const e = checkGolden('unknown-keys', [
    'name: app',
    'base_langauge: c',
    'dev-packages: [cmake]',
    'variants:',
    '  prod:',
    '    strip_binaris: true',
    'runtime:',
    '  environment: {A: b}',
    'zzz: 1',
  ].join('\n'));
  assert.deepEqual(e.problems.map((p) => [p.position.line, p.position.col, p.path.join('.'), p.suggestion]), [
    [2, 1, 'base_langauge', 'base_language'],
    [3, 1, 'dev-packages', 'dev_packages'],
    [6, 5, 'variants.prod.strip_binaris', 'strip_binaries'],
    [8, 3, 'runtime.environment', 'env'],
    [9, 1, 'zzz', undefined],
  ]);
  assert.match(e.message, /airlock\.yaml:9:1: zzz: unknown key `zzz`; expected one of: app_config, artifacts, base_language, build,/);
});

test('wrong types say what was expected and what was written', () => {
  const e = checkGolden('wrong-types', [
    'name: app',
    'tag: [1]',
    'variants:',
    '  prod:',
    '    include_source: yes',
    'build:',
    '  steps: {make: all}',
    'runtime:',
    '  ports: [true]',
  ].join('\n'));
  assert.match(e.message, /airlock\.yaml:5:21: variants\.prod\.include_source: expected a boolean \(true or false\), got string "yes" \(did you mean `true`\?\)/);
  assert.match(e.message, /airlock\.yaml:2:6: tag: .*got a list/);
  assert.match(e.message, /airlock\.yaml:7:10: build\.steps: expected a string or a list, got a map/);
  assert.equal(e.problems.length, 4);
});

test('enum values suggest the closest allowed value', () => {
  const e = checkGolden('enums', 'name: app\nbase_language: pyhton\nbuild_flags:\n  hardening: max\n');
  assert.deepEqual(e.problems.map((p) => p.suggestion), ['python', 'maximum']);
});

test('package names and pins are checked item by item', () => {
  const e = checkGolden('packages', [
    'name: app',
    'packages:',
    '  - curl',
    '  - Bad_Name',
    '  - {libssl3: 3.0.11-1~deb12u2, zlib1g: 1}',
    '  - openssl=latest',
    'dev_packages:',
    '  - 42',
  ].join('\n'));
  assert.deepEqual(lines(e), ['4:5 packages.1', '5:5 packages.2', '6:5 packages.3', '8:5 dev_packages.0']);
});

test('a missing name, an empty file and a top-level list', () => {
  assert.match(checkGolden('missing-name', 'base_language: c\n').message, /airlock\.yaml:1:1: name: missing required key `name`/);
  checkGolden('empty', '# nothing here\n');
  checkGolden('top-level-list', '- name: app\n');
});

test('cross-field rules are positioned too and reported with schema errors', () => {
  const e = checkGolden('rules', [
    'name: app',
    'base_language: c++',
    'build_flags: {hardening: extreme}',
    'artifacts:',
    '  - ../../etc/shadow',
    '  - from: src:conf/app.conf',
    '  - {from: usr/bin/app, to: bin/app, mode: 0795}',
    '  - {from: usr/bin/app, to: /usr/bin/app, mode: 493}',
    'runtime:',
    '  entrypoint: /usr/bin/app --log $HOME/x | tee',
    '  workdir: srv',
    '  ports: [8080, 70000]',
    'packages: [curl=7.88.1-10, curl=7.88.1-11]',
  ].join('\n'));
  assert.ok(e.problems.some((p) => p.path.join('.') === 'build_flags.hardening'), 'schema error kept');
  assert.deepEqual(lines(e).filter((l) => !l.includes('hardening')), [
    '5:5 artifacts.0',
    '6:5 artifacts.1',
    '7:44 artifacts.2.mode',
    '8:49 artifacts.3.mode',
    '10:15 runtime.entrypoint',
    '11:12 runtime.workdir',
    '12:17 runtime.ports.1',
    '13:28 packages.1',
  ]);
});

test('keys at the wrong level say where they belong', () => {
  const e = checkGolden('misplaced', [
    'name: app',
    'packages:',
    '  dev_packages: [cmake]',
    '  packages: [curl]',
    '  build_flags:',
    '    hardening: maximum',
    'strip_binaries: true',
    'entrypoint: [/usr/bin/app]',
  ].join('\n'));
  assert.deepEqual(e.problems.map((p) => p.message), [
    '`build_flags` does not belong here; it goes at the top level (check the indentation)',
    '`strip_binaries` does not belong here; it goes under `variants.dev`, `variants.prod` or `variants.test` (check the indentation)',
    '`entrypoint` does not belong here; it goes under `runtime` (check the indentation)',
  ]);
});

test('invalid names get a valid spelling as a suggestion', () => {
  const e = checkGolden('names', 'name: My App/Web_Service\ntag: v1.0+build 7\npackages: [Libssl3, python3_dev]\n');
  assert.deepEqual(e.problems.map((p) => p.suggestion), ['my-app/web_service', 'v1.0-build-7', 'libssl3', 'python3-dev']);
});

test('a single word where a list is expected suggests the list', () => {
  const e = checkGolden('lists', 'name: app\ndev_packages: cmake\npackages: curl\nvariants:\n  dev:\n    debug_tools: gdb\n');
  assert.deepEqual(e.problems.map((p) => p.suggestion), ['[cmake]', '[curl]', '[gdb]']);
});

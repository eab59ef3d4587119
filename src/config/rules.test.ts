// Cross-field rules: warnings for risky choices, errors for impossible ones, all collected together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRules } from './rules.js';
import { normalize } from './normalize.js';
import { WrittenConfigSchema } from './schema.js';
import { parseConfig } from './parse.js';

const rules = (w: unknown) => {
  const written = WrittenConfigSchema.parse(w);
  const r = checkRules(written, normalize(written, { file: '/p/airlock.yaml', architecture: 'amd64' }), { hostArchitecture: 'amd64' });
  return { errors: r.errors.map((p) => `${p.path.join('.')}: ${p.message}`), warnings: r.warnings.map((p) => `${p.path.join('.')}: ${p.message}`) };
};

test('a plain config has no problems', () => {
  assert.deepEqual(rules({ name: 'a', base_language: 'c', packages: ['curl'], artifacts: ['/usr/bin/a'] }), { errors: [], warnings: [] });
});

test('prod carrying tools, source or tests is a warning each; so is root and hardening none', () => {
  const r = rules({ name: 'a', base_language: 'c', variants: { prod: { include_build_tools: true, include_source: true, include_tests: true }, test: { include_tests: false } }, runtime: { user: '0:0' }, build_flags: { hardening: 'none' } });
  assert.deepEqual(r.errors, []);
  assert.equal(r.warnings.length, 6);
  assert.ok(r.warnings.some((w) => w.startsWith('variants.prod.include_build_tools: prod will contain the compiler')));
  assert.ok(r.warnings.some((w) => w.startsWith('variants.prod.include_source:')));
  assert.ok(r.warnings.some((w) => w.startsWith('variants.test.include_tests: the test image will have no tests')));
  assert.ok(r.warnings.some((w) => w.startsWith('runtime.user: prod runs as root (0:0)')));
  assert.ok(r.warnings.some((w) => w.startsWith('build_flags.hardening: hardening is off')));
  assert.match(rules({ name: 'a', base_language: 'c', runtime: { user: 'root' } }).warnings[0]!, /runs as root/);
  assert.deepEqual(rules({ name: 'a', base_language: 'c', runtime: { user: '65532:65532' } }).warnings, []);
});

test('artifact paths may not escape their root, and destinations must be absolute', () => {
  const r = rules({ name: 'a', base_language: 'c', artifacts: ['usr/../../x', 'src:../secret', { from: 'src:a/b' }, { from: 'x', to: 'rel' }, { from: 'y', to: '/' }, '/', 'src:./'] });
  assert.deepEqual(r.errors, [
    'artifacts.0: `usr/../../x` escapes the install root $AIRLOCK_OUT; artifact paths must stay inside it',
    'artifacts.1: `src:../secret` escapes the source tree; artifact paths must stay inside it',
    'artifacts.2: `to` is required for `src:a/b` (where should the file go in the images?)',
    'artifacts.3.to: expected an absolute path (starting with /), got `rel`',
    'artifacts.4.to: cannot replace the root folder /',
    'artifacts.5: `/` names all of the install root $AIRLOCK_OUT; name the files or folders that cross the airlock',
    'artifacts.6: `src:./` names all of the source tree; name the files or folders that cross the airlock',
  ]);
});

test('duplicate packages: conflicting pins are errors, repeats are warnings', () => {
  const r = rules({ name: 'a', base_language: 'c', packages: ['curl=1.0-1', 'zlib1g'], dev_packages: ['zlib1g', { curl: '2.0-1' }] });
  assert.deepEqual(r.errors, ['packages.0: `curl` is requested as 1.0-1 here and as 2.0-1 in dev_packages']);
  assert.deepEqual(r.warnings, ['packages.1: `zlib1g` is already listed in dev_packages']);
});

test('one-line apt sources are checked line by line', () => {
  const r = rules({ name: 'a', base_language: 'c', debian: { sources: ['deb http://127.0.0.1/debian bookworm main', 'http://127.0.0.1/debian bookworm'] } });
  assert.deepEqual(r.errors, ['debian.sources.1: expected "deb URI SUITE [COMPONENT…]" or deb822 text, got "http://127.0.0.1/debian bookworm"']);
});

test('warnings come back positioned and sorted from parseConfig', () => {
  const { warnings } = parseConfig('name: a\nbase_language: c\nruntime:\n  user: 0\nvariants:\n  prod:\n    include_source: true\n', { file: '/p/airlock.yaml', displayName: 'airlock.yaml', architecture: 'amd64' });
  assert.deepEqual(warnings, [
    'airlock.yaml:4:9: runtime.user: prod runs as root (0); it is safer as a non-root user (default 65532:65532)',
    'airlock.yaml:7:21: variants.prod.include_source: prod will contain the source tree; the airlock keeps them out of prod by default',
  ]);
});

test('a foreign architecture and a named user are warnings', () => {
  assert.deepEqual(rules({ name: 'a', base_language: 'c', debian: { architecture: 'arm64' } }).warnings, [
    'debian.architecture: building for arm64 on this amd64 host: its builder is made under qemu-user (binfmt_misc), and steps that cannot cross-compile run there, much slower; `airlock plan` says which',
  ]);
  assert.match(rules({ name: 'a', base_language: 'c', runtime: { user: 'www-data' } }).warnings[0]!, /user `www-data` must exist in prod's \/etc\/passwd/);
  assert.deepEqual(rules({ name: 'a', base_language: 'c', runtime: { user: 'nonroot' } }).warnings, []);
  assert.deepEqual(rules({ name: 'a', base_language: 'c', runtime: { user: '1000:1000' } }).warnings, []);
});

test('build.workspace is for Node.js: elsewhere a warning; normalized as written', () => {
  assert.deepEqual(rules({ name: 'a', base_language: 'go', build: { workspace: 'packages/api' } }).warnings, [
    'build.workspace: build.workspace names an npm workspace (base_language: node); it is ignored here',
  ]);
  assert.deepEqual(rules({ name: 'a', base_language: 'node', build: { workspace: 'packages/api' } }), { errors: [], warnings: [] });
  const written = WrittenConfigSchema.parse({ name: 'a', base_language: 'node', build: { workspace: '@x/api' } });
  assert.deepEqual(normalize(written, { file: '/p/airlock.yaml', architecture: 'amd64' }).build, { workspace: '@x/api' });
});

test('debian.architectures: the list in order without repeats; a foreign one is said to need qemu-user; not with architecture', () => {
  const w = WrittenConfigSchema.parse({ name: 'a', base_language: 'c', debian: { architectures: ['amd64', 'arm64'] } });
  const c = normalize(w, { file: '/p/airlock.yaml', architecture: 'amd64' });
  assert.deepEqual(c.debian, { architecture: 'amd64', architectures: ['amd64', 'arm64'] });
  assert.deepEqual(normalize(WrittenConfigSchema.parse({ name: 'a' }), { file: '/p/airlock.yaml', architecture: 'arm64' }).debian, { architecture: 'arm64', architectures: ['arm64'] });
  const r = rules({ name: 'a', base_language: 'c', debian: { architectures: ['amd64', 'arm64'] } });
  assert.deepEqual(r.errors, []);
  assert.match(r.warnings[0]!, /^debian\.architectures: building for arm64 on this amd64 host: its builder is made under qemu-user/);
  const both = rules({ name: 'a', base_language: 'c', debian: { architecture: 'amd64', architectures: ['arm64', 'arm64'] } });
  assert.deepEqual(both.errors, ['debian.architecture: give either debian.architecture or debian.architectures, not both', 'debian.architectures.1: arm64 is listed twice']);
  assert.deepEqual(rules({ name: 'a', base_language: 'c', debian: { architectures: ['amd64'] } }).warnings, []);
});

test('debian.architectures: an empty list or a bad name is a positioned error', () => {
  const parse = (text: string) => () => parseConfig(text, { file: '/p/airlock.yaml', displayName: 'airlock.yaml', architecture: 'amd64' });
  assert.throws(parse('name: a\nbase_language: c\ndebian:\n  architectures: []\n'), (e: Error) => /airlock\.yaml:4:\d+: debian\.architectures: expected at least one architecture/.test(e.message));
  assert.throws(parse('name: a\nbase_language: c\ndebian:\n  architectures: [amd64, ARM]\n'), (e: Error) => /airlock\.yaml:4:\d+: debian\.architectures\[1\]: expected a Debian architecture/.test(e.message));
});

test('variants.prod.icu: normalized sorted and unique; a no-op or a builder prod is a warning; bad codes are errors', () => {
  const written = WrittenConfigSchema.parse({ name: 'a', base_language: 'node', variants: { prod: { icu: { languages: ['en', 'de', 'en'] } } } });
  assert.deepEqual(normalize(written, { file: '/p/airlock.yaml', architecture: 'amd64' }).icu, { languages: ['de', 'en'], converters: true });
  assert.deepEqual(rules({ name: 'a', base_language: 'node', variants: { prod: { icu: { converters: false } } } }), { errors: [], warnings: [] });
  assert.deepEqual(rules({ name: 'a', base_language: 'node', variants: { prod: { icu: {} } } }).warnings, [
    "variants.prod.icu: keeps all of ICU's data: list `languages` or set `converters: false`",
  ]);
  assert.ok(rules({ name: 'a', base_language: 'node', variants: { prod: { include_build_tools: true, icu: { languages: ['en'] } } } }).warnings
    .includes("variants.prod.icu: has no effect: with include_build_tools prod is the builder, with Debian's ICU data"));
  assert.throws(() => parseConfig('name: a\nbase_language: node\nvariants:\n  prod:\n    icu:\n      languages: [en_US, EN]\n      converters: no\n', { file: '/p/airlock.yaml', displayName: 'airlock.yaml', architecture: 'amd64' }), (e: Error) => {
    assert.match(e.message, /airlock\.yaml:6:19: variants\.prod\.icu\.languages\[0\]: expected a language code such as en, de or zh .*got string "en_US"/);
    assert.match(e.message, /airlock\.yaml:6:26: variants\.prod\.icu\.languages\[1\]: expected a language code/);
    assert.match(e.message, /airlock\.yaml:7:19: variants\.prod\.icu\.converters: expected a boolean/);
    return true;
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { initConfigText, type InitFacts } from './config-text.js';

const facts = (over: Partial<InitFacts> = {}): InitFacts => ({
  name: 'svc',
  schema: 'file:///opt/airlock/schema/airlock.schema.json',
  hardening: 'standard',
  detection: { language: 'go', because: 'go.mod', also: ['c'], version: { value: '1.21', from: 'go.mod' } },
  defaults: {
    fetch: ['go mod download'],
    steps: ['go build -o "$AIRLOCK_OUT/usr/bin/svc" .'],
    test: { error: 'no tests\nsecond line' },
    entrypoint: ['/usr/bin/svc'],
    workdir: undefined,
    runtimePackages: [],
    builderPackages: ['golang-1.21-go'],
  },
  ...over,
});

test('the schema comment first; only detected fields are set; the defaults are comments', () => {
  const text = initConfigText(facts());
  assert.equal(text.split('\n')[0], '# yaml-language-server: $schema=file:///opt/airlock/schema/airlock.schema.json');
  assert.deepEqual(parse(text), { name: 'svc', base_language: 'go', version: '1.21' });
  assert.match(text, /^# {5}- "go build -o \\"\$AIRLOCK_OUT\/usr\/bin\/svc\\" \."$/m);
  assert.match(text, /^# {3}test: \[\] {10}# no default: no tests$/m);
  assert.match(text, /^# {3}entrypoint: \["\/usr\/bin\/svc"\]$/m);
  assert.match(text, /markers of c too/);
});

test('C and C++ get maximum hardening set; no stated version leaves version a comment', () => {
  const text = initConfigText(
    facts({ hardening: 'maximum', detection: { language: 'c', because: 'make build', also: [] } }),
  );
  assert.deepEqual(parse(text), { name: 'svc', base_language: 'c', build_flags: { hardening: 'maximum' } });
});

test('packages a project file names are set, with where from; requirements init left out are named', () => {
  const leftOut = ['pywin32; sys_platform == "win32"'];
  const packages = { names: ['python3-yaml'], from: 'pyproject.toml dependencies', leftOut };
  const text = initConfigText(facts({ detection: { language: 'python', because: 'pyproject.toml', also: [], packages } }));
  assert.deepEqual(parse(text), { name: 'svc', base_language: 'python', packages: ['python3-yaml'] });
  assert.match(text, /^# stated in pyproject\.toml dependencies, as Debian packages\npackages:\n {2}- "python3-yaml"$/m);
  assert.match(text, /^# not added: an environment marker decides whether these apply\n# {3}pywin32; sys_platform/m);
  assert.match(initConfigText(facts()), /^# packages: \[\]$/m);
});

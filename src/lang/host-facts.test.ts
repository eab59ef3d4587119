// The loader answers exactly what a pack's probe asks: its variables, its files' texts, which of its paths exist, and
// npm's registry only when asked (npm costs ~0.3 s); a pack without a probe costs nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_CA_BUNDLE, NO_HOST_FACTS, readHostFacts, type HostProbe } from './host-facts.js';

function withHost(run: (dir: string, env: NodeJS.ProcessEnv) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-host-'));
  try {
    // A stand-in npm on the PATH of the host environment: answers a registry and leaves a mark when it runs.
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'npm'), `#!/bin/sh\ntouch "${dir}/npm-ran"\necho " https://registry.example/ "\n`);
    chmodSync(join(dir, 'bin', 'npm'), 0o755);
    run(dir, { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, HOME: dir, SECRET_TOKEN: 'x', EMPTY: '' });
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('a probe gets its variables, the texts of its config files that exist, which of its paths exist, and the CA bundle', () => {
  withHost((dir, env) => {
    writeFileSync(join(dir, 'a.conf'), 'path = /x\n');
    mkdirSync(join(dir, 'folder'));
    const probe: HostProbe = {
      env: ['HOME', 'EMPTY', 'UNSET'],
      configFiles: (e) => [`${e.HOME}/a.conf`, `${e.HOME}/missing.conf`, `${e.HOME}/folder`],
      paths: (e, text) => [`${e.HOME}/folder`, `${e.HOME}/nothing`, ...Object.keys(text).map((f) => `${f}.paths`)],
    };
    const facts = readHostFacts(env, { hostProbe: probe });
    assert.deepEqual(facts.env, { HOME: dir, EMPTY: '' }, 'asked and set (empty included); nothing else of the host');
    assert.deepEqual(facts.configText, { [join(dir, 'a.conf')]: 'path = /x\n' }, 'a missing file or a folder has no text');
    assert.deepEqual(facts.existing, [join(dir, 'a.conf'), join(dir, 'folder')]);
    assert.equal(facts.caBundle, existsSync(HOST_CA_BUNDLE) ? HOST_CA_BUNDLE : undefined);
    assert.equal(facts.npmRegistry, undefined);
    assert.ok(!existsSync(join(dir, 'npm-ran')), 'npm runs only for a probe that asks');
  });
});

test('npm is asked with the host environment when the probe says so; no probe, no facts and no I/O', () => {
  withHost((dir, env) => {
    assert.equal(readHostFacts(env, { hostProbe: { env: [], npmRegistry: true } }).npmRegistry, 'https://registry.example/');
    assert.ok(existsSync(join(dir, 'npm-ran')));
    rmSync(join(dir, 'npm-ran'));
    assert.equal(readHostFacts(env, {}), NO_HOST_FACTS);
    assert.ok(!existsSync(join(dir, 'npm-ran')));
  });
});

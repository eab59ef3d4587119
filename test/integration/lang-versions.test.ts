// A toolchain version the Debian suite lacks: a clear error naming the versions it has, for every language pack.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli } from '../helpers/cli.js';

describe('unavailable language versions', { timeout: 20 * 60_000 }, () => {
  const dirs: string[] = [];
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  const withVersion = async (example: string, version: string) => {
    const dir = await copyExample(example);
    dirs.push(dir);
    const yaml = readFileSync(join(dir, 'airlock.yaml'), 'utf8');
    writeFileSync(join(dir, 'airlock.yaml'), /^version:/m.test(yaml) ? yaml.replace(/^version: .*$/m, `version: "${version}"`) : `${yaml}version: "${version}"\n`);
    return dir;
  };

  for (const [example, version, message] of [
    ['python-web', '3.12', 'python 3.12 is not available in Debian 12; available: 3.11'],
    // Node majors Debian lacks come from the npm registry (lang-node-upstream.test.ts); one that neither has fails.
    ['node-web', '99', 'node 99 is not available in Debian 12; available: 18; nor is it an official build on the npm registry (node-linux-'],
    ['go-api', '1.22', 'go 1.22 is not available in Debian 12; available: 1.19'],
    ['java-app', '21', 'openjdk 21 is not available in Debian 12; available: 17'],
  ] as const) {
    test(`${example} with version ${version}: airlock lock exits 2 listing what the suite has`, async () => {
      const dir = await withVersion(example, version);
      const r = await runCli(['lock', '-c', join(dir, 'airlock.yaml')]);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(message), r.stderr);
    });
  }

  test('rust-cli with version 1.80: the build stops in its first step naming the suite\'s rustc', async () => {
    const dir = await withVersion('rust-cli', '1.80');
    const out = mkdtempSync(join(tmpdir(), 'airlock-rustv-out-'));
    dirs.push(out);
    const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(out, 'o')]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /rustc 1\.80 is not available in this Debian suite; available: rustc 1\.63\.\d+/);
  });
});

// A lock that cannot lie: every locked .deb is checked against its lock entry before use, and `airlock verify`
// checks SBOM versions against the image's status.d (issue #16 item 1). Uses hello-c's builder set (warm cache).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli } from '../helpers/cli.js';

type LockJson = { sets: { builder: Array<Record<string, string>>; runtime: Array<Record<string, string>> } };

describe('locked packages are checked against the packages themselves', { timeout: 20 * 60_000 }, () => {
  const dirs: string[] = [];
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  const temp = (prefix: string) => { const d = mkdtempSync(join(tmpdir(), prefix)); dirs.push(d); return d; };
  let project = '';
  let original = '';
  const lockFile = () => join(project, 'airlock.lock.json');
  /** Writes the original lock with one field of one package changed in every set that has it. */
  const editLock = (name: string, field: string, value: string) => {
    const lock = JSON.parse(original) as LockJson;
    for (const set of [lock.sets.builder, lock.sets.runtime]) for (const p of set) if (p.name === name) p[field] = value;
    writeFileSync(lockFile(), `${JSON.stringify(lock, null, 2)}\n`);
  };
  const locked = (name: string) => (JSON.parse(original) as LockJson).sets.builder.find((p) => p.name === name)!;

  test('setup: lock hello-c', async () => {
    project = await copyExample('hello-c');
    dirs.push(project);
    const r = await runCli(['lock', '-c', join(project, 'airlock.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    original = readFileSync(lockFile(), 'utf8');
  });

  test('the issue\'s case: zlib1g\'s version edited, sha256 untouched → exit 3 naming both values, no outputs', async () => {
    const real = locked('zlib1g').version!;
    editLock('zlib1g', 'version', '9:9.9.9-9');
    for (const flags of [['--locked'], [], ['--locked', '--offline'], ['--offline']]) {
      const out = join(temp('airlock-lockcheck-'), 'out');
      const r = await runCli(['build', '-c', join(project, 'airlock.yaml'), '--out', out, ...flags]);
      assert.equal(r.code, 3, `${flags.join(' ')}: ${r.stderr.slice(-2000)}`);
      assert.match(r.stderr, /error\[lock-mismatch\]: .*airlock\.lock\.json \(package zlib1g\): locked package zlib1g does not match/);
      assert.ok(r.stderr.includes(`Version is "9:9.9.9-9" in the lock but "${real}" in the .deb`), r.stderr);
      assert.ok(!existsSync(out), `${flags.join(' ')}: no outputs written`);
    }
  });

  test('each other identity field edited (Package, Architecture, Source) → exit 3 naming it', async () => {
    const z = locked('zlib1g');
    const cases: Array<[string, string, string, string]> = [
      ['architecture', 'arm64', 'Architecture', `"arm64" in the lock but "${z.architecture}"`],
      ['source', 'zlib-ng', 'Source', `"zlib-ng" in the lock but "${z.source}"`],
      ['sourceVersion', '0.1-1', 'Source', `"${z.source} (0.1-1)" in the lock but "${z.source}"`],
    ];
    for (const [key, value, field, both] of cases) {
      editLock('zlib1g', key, value);
      const out = join(temp('airlock-lockcheck-'), 'out');
      const r = await runCli(['build', '-c', join(project, 'airlock.yaml'), '--out', out, '--locked']);
      assert.equal(r.code, 3, `${key}: ${r.stderr.slice(-2000)}`);
      assert.ok(r.stderr.includes(`${field} is ${both} in the .deb`), r.stderr);
      assert.ok(!existsSync(out));
    }
    // Package: a renamed entry (a dependency nobody requests by name) still points at zlib1g's .deb.
    editLock('zlib1g', 'name', 'zlib1g-evil');
    const r = await runCli(['build', '-c', join(project, 'airlock.yaml'), '--out', join(temp('airlock-lockcheck-'), 'out'), '--locked']);
    assert.equal(r.code, 3, r.stderr.slice(-2000));
    assert.ok(r.stderr.includes('Package is "zlib1g-evil" in the lock but "zlib1g" in the .deb'), r.stderr);
  });

  test('the true lock builds; verify checks the SBOMs against status.d (attached and --sbom files)', async () => {
    writeFileSync(lockFile(), original);
    const outs = temp('airlock-lockcheck-sign-');
    const kg = await runCli(['keygen', '--out', join(outs, 'k')]);
    assert.equal(kg.code, 0, kg.stderr);
    const out = join(outs, 'o');
    const built = await runCli(['build', '-c', join(project, 'airlock.yaml'), '--out', out, '--locked', '--sign', join(outs, 'k.key')]);
    assert.equal(built.code, 0, built.stderr.slice(-2000));
    const image = `oci:${join(out, 'oci')}:latest-prod`;
    const verify = (...extra: string[]) => runCli(['verify', image, '--key', join(outs, 'k.pub'), ...extra]);
    const ok = await verify('--sbom', join(out, 'evidence/prod.spdx.json'), '--sbom', join(out, 'evidence/prod.cdx.json'));
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.match(ok.stdout, /ok SPDX SBOM: its \d+ package version\(s\) match status\.d/);
    assert.match(ok.stdout, /ok CycloneDX SBOM: its \d+ package version\(s\) match status\.d/);
    // An SBOM that lies about libc6's version: as a file, and signed and attached by the key's holder.
    const evidence = join(outs, 'lying-evidence');
    await cp(join(out, 'evidence'), evidence, { recursive: true });
    const spdxFile = join(evidence, 'prod.spdx.json');
    const spdx = JSON.parse(readFileSync(spdxFile, 'utf8'));
    const libc = spdx.packages.find((p: { name: string }) => p.name === 'libc6');
    const real = libc.versionInfo;
    libc.versionInfo = '9:9.9.9-9';
    writeFileSync(spdxFile, JSON.stringify(spdx, null, 2));
    const asFile = await verify('--sbom', spdxFile);
    assert.equal(asFile.code, 6, asFile.stderr);
    assert.ok(asFile.stderr.includes(`libc6: version 9:9.9.9-9 listed, ${real} installed`), asFile.stderr);
    const signed = await runCli(['sign', image, '--key', join(outs, 'k.key'), '--evidence', evidence]);
    assert.equal(signed.code, 0, signed.stderr);
    const attached = await verify();
    assert.equal(attached.code, 6, attached.stderr);
    assert.match(attached.stderr, /error\[sbom-packages-mismatch\]: the SPDX SBOM attestation differs from the image's status\.d: libc6: version 9:9\.9\.9-9 listed/);
  });
});

// The evidence of a real `airlock build --sign` (examples/hello-c): lock, status.d and SBOMs agree; schemas; rebuild; openssl; verify.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';
import { cyclonedxErrors, spdxErrors } from '../fixtures/evidence/schemas.js';
import { parseLock } from '../../src/debian/lock-parse.js';
import { parseDebPurl } from '../../src/evidence/purl.js';
import { imageFsFromImage } from '../../src/gates/from-image.js';
import { readLayout } from '../../src/sinks/oci-layout.js';
import type { Lock } from '../../src/debian/types.js';

const VARIANTS = ['dev', 'prod', 'test'] as const;

describe('evidence of airlock build --sign examples/hello-c', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  // keys and outputs live outside the project folder: the build copies the project (its source) into the dev image
  const outs = mkdtempSync(join(tmpdir(), 'airlock-evidence-build-out-'));
  let first: CliResult;
  let lock: Lock;
  const out = (n: number, ...p: string[]) => join(outs, `out${n}`, ...p);
  const json = (n: number, f: string) => JSON.parse(readFileSync(out(n, 'evidence', f), 'utf8'));

  before(async () => {
    dir = await copyExample('hello-c');
    assert.equal((await runCli(['keygen', '--out', join(outs, 'signer')])).code, 0);
    first = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out(1), '--sign', join(outs, 'signer.key'), '--quiet']);
    assert.equal(first.code, 0, first.stderr.slice(-3000));
    lock = parseLock(readFileSync(join(dir, 'airlock.lock.json'), 'utf8'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(outs, { recursive: true, force: true });
  });

  test('every SBOM validates against the official SPDX 2.3 / CycloneDX 1.6 schemas', () => {
    for (const v of VARIANTS) {
      assert.deepEqual(spdxErrors(json(1, `${v}.spdx.json`)), [], `${v}.spdx.json`);
      assert.deepEqual(cyclonedxErrors(json(1, `${v}.cdx.json`)), [], `${v}.cdx.json`);
    }
  });

  test('lock, SBOMs and provenance agree on each variant\'s packages (name, version, arch, .deb sha256)', () => {
    const locked = new Map([...lock.sets.builder, ...lock.sets.runtime].map((p) => [`${p.name}:${p.architecture}`, p]));
    for (const v of VARIANTS) {
      const spdx = json(1, `${v}.spdx.json`);
      const fromSpdx = spdx.packages.filter((p: any) => p.SPDXID !== 'SPDXRef-Image').map((p: any) => {
        const purl = parseDebPurl(p.externalRefs[0].referenceLocator)!;
        const l = locked.get(`${p.name}:${purl.architecture}`);
        assert.ok(l, `${v}: ${p.name} is not in the lock`);
        assert.equal(p.versionInfo, l.version, `${v}: ${p.name} version`);
        assert.equal(p.checksums[0].checksumValue, l.sha256, `${v}: ${p.name} sha256`);
        return `${p.name}=${p.versionInfo}:${purl.architecture}`;
      }).sort();
      const fromCdx = json(1, `${v}.cdx.json`).components.filter((c: any) => c.type === 'library')
        .map((c: any) => `${c.name}=${c.version}:${parseDebPurl(c.purl)!.architecture}`).sort();
      const fromProv = json(1, `${v}.provenance.json`).predicate.buildDefinition.resolvedDependencies
        .filter((d: any) => d.annotations?.['dev.airlock.role'] === 'image')
        .map((d: any) => { const p = parseDebPurl(d.uri)!; return `${p.name}=${p.version}:${p.architecture}`; }).sort();
      assert.deepEqual(fromCdx, fromSpdx, v);
      assert.deepEqual(fromProv, fromSpdx, v);
      if (v !== 'prod') assert.equal(fromSpdx.length, lock.sets.builder.length, `${v} holds the builder set`);
    }
    assert.ok(json(1, 'prod.spdx.json').packages.some((p: any) => p.name === 'libc6'));
  });

  test('prod\'s SBOMs list each sliced package\'s files present in the image, with the hashes of their bytes', async () => {
    const img = await imageFsFromImage(await readLayout(out(1, 'oci'), 'latest-prod'));
    const bytes = new Map<string, Uint8Array>();
    await img.scan((e) => (e.type === 'file' ? e.size + 1 : 0), (e, b) => { bytes.set(e.path, b); });
    const hash = (alg: string, path: string) => createHash(alg).update(bytes.get(path)!).digest('hex');
    const report = JSON.parse(readFileSync(out(1, 'report.json'), 'utf8'));
    const sliced = report.slicing.packages.filter((p: any) => !p.whole).map((p: any) => p.name);
    assert.ok(sliced.includes('libc6'), 'hello-c\'s libc6 is sliced');
    const spdx = json(1, 'prod.spdx.json');
    const cdx = json(1, 'prod.cdx.json');
    for (const name of sliced) {
      const md5sums = new TextDecoder().decode(bytes.get(`var/lib/dpkg/status.d/${name}.md5sums`));
      // (a package can keep no regular file: libgcc-s1 keeps only its doc symlink, and lists none)
      const present = md5sums.split('\n').filter(Boolean).map((l) => l.slice(34)).sort();
      const pkg = spdx.packages.find((p: any) => p.name === name);
      assert.equal(pkg.filesAnalyzed, true, name);
      const files = spdx.relationships
        .filter((r: any) => r.spdxElementId === pkg.SPDXID && r.relationshipType === 'CONTAINS')
        .map((r: any) => spdx.files.find((f: any) => f.SPDXID === r.relatedSpdxElement));
      assert.deepEqual(files.map((f: any) => f.fileName.slice(2)).sort(), present, `${name}: SPDX lists its md5sums`);
      for (const f of files) {
        const path = f.fileName.slice(2);
        assert.deepEqual(f.checksums, [
          { algorithm: 'SHA1', checksumValue: hash('sha1', path) }, { algorithm: 'SHA256', checksumValue: hash('sha256', path) },
        ], path);
      }
      const nested = cdx.components.find((c: any) => c.name === name).components;
      assert.deepEqual(nested.map((f: any) => [f.name.slice(1), f.hashes[1].content]),
        files.map((f: any) => [f.fileName.slice(2), f.checksums[1].checksumValue]), `${name}: CycloneDX lists the same`);
    }
    for (const p of report.slicing.packages.filter((x: any) => x.whole)) {
      assert.equal(spdx.packages.find((x: any) => x.name === p.name).filesAnalyzed, false, `${p.name} is whole`);
    }
  });

  test('the image status.d / dpkg status equal the provenance (airlock sign + verify on the built layout)', async () => {
    const pub = join(outs, 'signer.pub');
    for (const v of VARIANTS) {
      const s = await runCli(['sign', `oci:${out(1, 'oci')}:latest-${v}`, '--key', join(outs, 'signer.key'), '--name', 'hello-c', '--evidence', out(1, 'evidence')]);
      assert.equal(s.code, 0, s.stderr);
      const t0 = Date.now();
      const r = await runCli(['verify', `oci:${out(1, 'oci')}:latest-${v}`, '--key', pub]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /ok provenance: \d+ package\(s\) in status.d match/);
      if (v === 'prod') assert.match(r.stdout, /SPDX SBOM: .*, and the files listed for its \d+ sliced package\(s\) their md5sums/);
      console.log(`# verify ${v}: ${Date.now() - t0} ms; ${/provenance: (\d+)/.exec(r.stdout)![1]} packages`);
    }
  });

  test('build --sign wrote a plain-file signature that openssl verifies', () => {
    for (const v of VARIANTS) {
      writeFileSync(join(outs, 'sig.der'), Buffer.from(readFileSync(out(1, 'evidence', `${v}.sig`), 'utf8'), 'base64'));
      const ok = execFileSync('openssl', ['dgst', '-sha256', '-verify', join(outs, 'signer.pub'), '-signature', join(outs, 'sig.der'), out(1, 'evidence', `${v}.sig.payload.json`)]).toString();
      assert.match(ok, /Verified OK/);
      const report = JSON.parse(readFileSync(out(1, 'report.json'), 'utf8'));
      assert.equal(json(1, `${v}.sig.payload.json`).critical.image['docker-manifest-digest'], report.variants[v].digest);
    }
  });

  test('a rebuild from the lock gives byte-identical SBOMs, provenance and signature payloads', async () => {
    const again = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out(2), '--locked', '--sign', join(outs, 'signer.key'), '--quiet']);
    assert.equal(again.code, 0, again.stderr.slice(-3000));
    const r1 = JSON.parse(readFileSync(out(1, 'report.json'), 'utf8'));
    const r2 = JSON.parse(readFileSync(out(2, 'report.json'), 'utf8'));
    for (const v of VARIANTS) {
      const a = r1.variants[v];
      const b = r2.variants[v];
      assert.equal(b.digest, a.digest, `${v} image rebuilt differently (${a.compressedSize} B/${a.files} files vs ${b.compressedSize} B/${b.files} files): not an evidence problem`);
      for (const f of [`${v}.spdx.json`, `${v}.cdx.json`, `${v}.provenance.json`, `${v}.sig.payload.json`]) {
        assert.ok(readFileSync(out(1, 'evidence', f)).equals(readFileSync(out(2, 'evidence', f))), f);
      }
    }
  });
});

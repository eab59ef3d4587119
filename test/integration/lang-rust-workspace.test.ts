// End to end: a cargo workspace with three binaries in two member packages (test/fixtures/lang/rust-workspace)
// builds with no config beyond name, base_language and the entrypoint it needs: every binary is in prod and runs;
// without the entrypoint, the same workspace stops with a usage error before any download.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchedFiles } from '../helpers/cache.js';
import { copyFixture, runCli, type CliResult } from '../helpers/cli.js';
import { runImage } from '../helpers/oci-runtime.js';

describe('airlock build of a cargo workspace with several binaries', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-rust-ws-out-'));
  let r: CliResult;
  let report: any;
  before(async () => {
    dir = await copyFixture('rust-workspace');
    r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
    if (r.code === 0) report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  });
  after(() => { for (const d of [dir, out]) rmSync(d, { recursive: true, force: true }); });

  test('every member is built and tested offline, every binary is in prod, the prod gates pass', () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.doesNotMatch(r.stderr, /cargo fetch/, 'path dependencies between members: nothing to download');
    assert.match(r.stderr, /cargo build --release --offline --workspace --locked/);
    const ran = /==> build\.test\[0\]: (CACHED )?cargo test --release --offline --workspace --locked/.exec(r.stderr);
    assert.ok(ran, 'cargo test --workspace is the test step');
    if (!ran[1]) assert.match(r.stderr, /test tests::counts_words_of_every_argument \.\.\. ok/, 'the library\'s test ran');
    assert.deepEqual(report.artifacts.map((a: any) => a.path), ['usr/bin/counter', 'usr/bin/shout', 'usr/bin/whisper']);
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
    const prod = report.variants.prod;
    const size = `${prod.compressedSize} bytes compressed, ${prod.uncompressedSize} uncompressed, ${prod.files} files`;
    console.log(`# cargo workspace prod: ${size}`);
  });

  test('prod runs the configured entrypoint read-only; the [[bin]] and the src/bin binaries run too', async () => {
    const oci = join(out, 'oci');
    const counter = await runImage(oci, 'latest-prod', { readOnly: true, args: ['one two', 'three'] });
    assert.equal(counter.code, 0, counter.stderr);
    assert.deepEqual(JSON.parse(counter.stdout), { binary: 'counter', words: 3 });
    for (const binary of ['shout', 'whisper']) {
      const run = await runImage(oci, 'latest-prod', { readOnly: true, entrypoint: [`/usr/bin/${binary}`], args: ['a b'] });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), { binary, words: 2 });
    }
  });

  test('the same workspace without runtime.entrypoint: exit 2 naming the binaries, nothing fetched', async () => {
    writeFileSync(join(dir, 'airlock.yaml'), 'name: rust-workspace\nbase_language: rust\n');
    const cache = mkdtempSync(join(tmpdir(), 'airlock-rust-ws-cache-'));
    const out2 = mkdtempSync(join(tmpdir(), 'airlock-rust-ws-bad-'));
    try {
      const args = ['build', '-c', join(dir, 'airlock.yaml'), '--out', join(out2, 'o')];
      const bad = await runCli(args, { env: { AIRLOCK_CACHE: cache } });
      assert.equal(bad.code, 2, bad.stderr);
      const what = 'several cargo binaries (counter, shout, whisper) and no default-run';
      assert.ok(bad.stderr.includes(`error[entrypoint-ambiguous]: runtime.entrypoint: ${what}`), bad.stderr);
      assert.ok(bad.stderr.includes('hint: set runtime.entrypoint to one of /usr/bin/counter, /usr/bin/shout, /usr/bin/whisper'));
      // Only bookkeeping (its hold, the parsed config): no package index, no .deb, no step result.
      assert.deepEqual(fetchedFiles(cache), [], 'nothing was fetched');
      assert.deepEqual(readdirSync(out2), []);
    } finally { for (const d of [cache, out2]) rmSync(d, { recursive: true, force: true }); }
  });
});

// End to end: a Go module in the cmd/<name>/main.go layout (test/fixtures/lang/go-multi) builds with no config
// beyond name, base_language and version: every command is in prod, the one named like the module runs; a layout
// whose commands none is named like the module stops with a usage error before any download.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchedFiles } from '../helpers/cache.js';
import { copyFixture, runCli, type CliResult } from '../helpers/cli.js';
import { runImage } from '../helpers/oci-runtime.js';

describe('airlock build of a Go cmd/<name> layout with several binaries', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-go-cmd-out-'));
  let r: CliResult;
  let report: any;
  before(async () => {
    dir = await copyFixture('go-multi');
    r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
    if (r.code === 0) report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  });
  after(() => { for (const d of [dir, out]) rmSync(d, { recursive: true, force: true }); });

  test('every command is built into prod, go test ./... ran, the prod gates pass', () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /go build .* -o "\$AIRLOCK_OUT\/usr\/bin\/" \.\/cmd\/multi \.\/cmd\/worker/);
    const ran = /==> build\.test\[0\]: (CACHED )?.*go test -trimpath \.\/\.\.\./.exec(r.stderr);
    assert.ok(ran, 'go test ./... is the test step');
    if (!ran[1]) assert.match(r.stderr, /ok\s+example\.com\/multi\s/, 'the root library\'s test ran');
    assert.deepEqual(report.artifacts.map((a: any) => a.path), ['usr/bin/multi', 'usr/bin/worker']);
    assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
    const prod = report.variants.prod;
    const size = `${prod.compressedSize} bytes compressed, ${prod.uncompressedSize} uncompressed, ${prod.files} files`;
    console.log(`# go cmd layout prod: ${size}`);
  });

  test('prod runs the binary named like the module read-only as 65532; the other one is there and runs too', async () => {
    const main = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true, args: ['job'] });
    assert.equal(main.code, 0, main.stderr);
    assert.deepEqual(JSON.parse(main.stdout), { binary: 'multi', uid: 65532, arg: 'job' });
    const other = { readOnly: true, entrypoint: ['/usr/bin/worker'], args: ['batch'] };
    const worker = await runImage(join(out, 'oci'), 'latest-prod', other);
    assert.equal(worker.code, 0, worker.stderr);
    assert.deepEqual(JSON.parse(worker.stdout), { binary: 'worker', uid: 65532, arg: 'batch' });
  });

  test('several commands, none named like the module, no entrypoint: exit 2 naming them, nothing fetched', async () => {
    renameSync(join(dir, 'cmd', 'multi'), join(dir, 'cmd', 'api'));
    const cache = mkdtempSync(join(tmpdir(), 'airlock-go-cmd-cache-'));
    const out2 = mkdtempSync(join(tmpdir(), 'airlock-go-cmd-bad-'));
    try {
      const args = ['build', '-c', join(dir, 'airlock.yaml'), '--out', join(out2, 'o')];
      const bad = await runCli(args, { env: { AIRLOCK_CACHE: cache } });
      assert.equal(bad.code, 2, bad.stderr);
      const what = 'several Go commands (cmd/api, cmd/worker) and none is named like the module (example.com/multi → multi)';
      assert.ok(bad.stderr.includes(`error[entrypoint-ambiguous]: runtime.entrypoint: ${what}`), bad.stderr);
      assert.match(bad.stderr, /hint: set runtime\.entrypoint to one of \/usr\/bin\/api, \/usr\/bin\/worker/);
      // Only bookkeeping (its hold, the parsed config): no package index, no .deb, no step result.
      assert.deepEqual(fetchedFiles(cache), [], 'nothing was fetched');
      assert.deepEqual(readdirSync(out2), []);
    } finally { for (const d of [cache, out2]) rmSync(d, { recursive: true, force: true }); }
  });
});

// Real C projects, one per build style, built with no config beyond name, base_language and version: Debian's
// upstream tarballs of clzip (a hand-written configure) and serd (Meson); GNU hello (autotools) and cmark (CMake) with
// AIRLOCK_FULL_CORPUS=1 (see below),
// fetched at test time (test/helpers/debian-source.ts). Each prod runs under runc and passes the prod gates; each
// prod size is printed (bench/corpus.ts prints the same table).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { debianSourceTree } from '../helpers/debian-source.js';
import { runImage } from '../helpers/oci-runtime.js';
import { C_CORPUS } from '../fixtures/corpus.js';

describe('a corpus of real C projects builds with zero config', { timeout: 40 * 60_000 }, () => {
  const trees: string[] = [];
  const sizes: string[] = [];
  after(() => {
    for (const t of trees) rmSync(dirname(t), { recursive: true, force: true });
    console.log(`# prod sizes (compressed):\n# ${sizes.join('\n# ')}`);
  });

  // Within CI's time budget: GNU hello (autotools, the same Debian source package) is built by
  // build-upstream.test.ts, which asserts more of it; cmark (CMake) takes six minutes of its own test suite, and CMake
  // with ctest is built in examples/cpp-service (build-cpp-service.test.ts). AIRLOCK_FULL_CORPUS=1 builds all four
  // here; bench/corpus.ts measures all four.
  const all = process.env.AIRLOCK_FULL_CORPUS === '1';
  for (const p of C_CORPUS.filter((x) => all || (x.pkg !== 'hello' && x.pkg !== 'cmark'))) {
    test(`${p.pkg} (${p.style})`, async () => {
      const dir = debianSourceTree(p.pkg);
      trees.push(dir);
      writeFileSync(join(dir, 'airlock.yaml'), `name: ${p.pkg}\nbase_language: ${p.language}\nversion: gcc-12\n`);
      const out = join(dir, 'airlock-out');
      const t0 = Date.now();
      const r = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
      assert.equal(r.code, 0, r.stderr.slice(-4000));
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      assert.equal(report.variants.prod.gates.passed, true, JSON.stringify(report.variants.prod.gates.findings));
      assert.equal(report.tests.status, 'ran', 'each of these projects has tests, and they ran');
      assert.equal(report.tests.passed, true, JSON.stringify(report.tests));
      assert.ok(report.tests.counts === undefined || report.tests.counts.failed === 0, JSON.stringify(report.tests));
      const run = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true, args: p.args });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, p.expect);
      const kb = (report.variants.prod.compressedSize / 1000).toFixed(0);
      sizes.push(`${p.pkg} (${p.style}): prod ${kb} kB, dev ${(report.variants.dev.compressedSize / 1e6).toFixed(0)} MB, `
        + `${report.variants.prod.files} files, build ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    });
  }
});

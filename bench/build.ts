// Benchmark: cold vs warm `airlock build` of examples/hello-c, plus the prod/dev size ratio.
// Cold = an empty airlock cache (downloads, mmdebstrap, every layer); warm = the same build again, no change.
// Usage: node --import tsx bench/build.ts [example]   (prints a table; nothing is asserted here)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { airlockBuild, copyExample, sameDigests } from './common.js';

const example = process.argv[2] ?? 'hello-c';
const work = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
const cache = join(work, 'cache');
copyExample(example, join(work, 'src'));

try {
  const cold = await airlockBuild(join(work, 'src'), join(work, 'out-cold'), cache);
  const warm = await airlockBuild(join(work, 'src'), join(work, 'out-warm'), cache);
  const v = cold.report.variants;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  console.log(`example            ${example}`);
  console.log(`cold build         ${cold.seconds.toFixed(1)} s   (empty cache: download, mmdebstrap, every layer)`);
  console.log(`warm build         ${warm.seconds.toFixed(1)} s   (no change: every cache reused)`);
  console.log(`warm/cold          ${(warm.seconds / cold.seconds).toFixed(3)}`);
  console.log(`dev  compressed    ${mb(v.dev.compressedSize)} MB`);
  console.log(`prod compressed    ${mb(v.prod.compressedSize)} MB`);
  console.log(`prod/dev           ${(v.prod.compressedSize / v.dev.compressedSize).toFixed(4)}  (reduction ${(cold.report.reduction * 100).toFixed(1)}%)`);
  console.log(`same digests warm  ${sameDigests(warm.report, cold.report)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

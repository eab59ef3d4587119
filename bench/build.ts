// Benchmark: cold vs warm `airlock build` of examples/hello-c, plus the prod/dev size ratio.
// Cold = an empty airlock cache (downloads, mmdebstrap, every layer); warm = the same build again, no change.
// Usage: node --import tsx bench/build.ts [example]   (prints a table; nothing is asserted here)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = process.argv[2] ?? 'hello-c';
const work = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
const cache = join(work, 'cache');
cpSync(join(root, 'examples', example), join(work, 'src'), { recursive: true, filter: (p) => !p.includes('airlock-out') && !p.endsWith('.lock.json') });

function build(label: string): { seconds: number; report: any } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'build', '-c', join(work, 'src/airlock.yaml'), '--out', join(work, `out-${label}`), '--quiet'], {
    env: { ...process.env, AIRLOCK_CACHE: cache }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${label} build failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return { seconds, report: JSON.parse(readFileSync(join(work, `out-${label}`, 'report.json'), 'utf8')) };
}

try {
  const cold = build('cold');
  const warm = build('warm');
  const v = cold.report.variants;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  console.log(`example            ${example}`);
  console.log(`cold build         ${cold.seconds.toFixed(1)} s   (empty cache: download, mmdebstrap, every layer)`);
  console.log(`warm build         ${warm.seconds.toFixed(1)} s   (no change: every cache reused)`);
  console.log(`warm/cold          ${(warm.seconds / cold.seconds).toFixed(3)}`);
  console.log(`dev  compressed    ${mb(v.dev.compressedSize)} MB`);
  console.log(`prod compressed    ${mb(v.prod.compressedSize)} MB`);
  console.log(`prod/dev           ${(v.prod.compressedSize / v.dev.compressedSize).toFixed(4)}  (reduction ${(cold.report.reduction * 100).toFixed(1)}%)`);
  console.log(`same digests warm  ${['dev', 'prod', 'test'].every((k) => warm.report.variants[k].digest === v[k].digest)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

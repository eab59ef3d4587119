// Benchmark: builds every language example and prints, per language, prod and dev compressed size, prod/dev ratio,
// and cold and warm build times.
// "Cold" = a fresh airlock cache per example that links only the apt lists, the .debs and the builder root file
// systems of the shared cache: every image layer, blob, gate result and language cache (Go build cache, npm cache)
// is computed anew, but nothing is downloaded and mmdebstrap does not run. --cold-cache uses an empty cache instead
// (downloads, mmdebstrap and every layer: many minutes per language). "Warm" = the same build again, no change.
// EXAMPLE@VERSION builds an example with another `version:` (node-web@20 = Node.js 20 from the npm registry, whose
// tarballs are linked like the .debs).
// Usage: node --import tsx bench/langs.ts [--cold-cache] [example[@version] ...]   (prints a table; nothing is asserted here)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const coldCache = args.includes('--cold-cache');
const EXAMPLES: Record<string, string> = { go: 'go-api', rust: 'rust-cli', python: 'python-web', node: 'node-web', java: 'java-app' };
const picked = args.filter((a) => !a.startsWith('--'));
const examples = picked.length ? picked : [...Object.values(EXAMPLES), 'node-web@20', 'python-pip', 'java-maven'];

interface Row { example: string; prod: number; dev: number; cold: number; warm: number; same: boolean }

function build(src: string, out: string, cache: string): { seconds: number; report: any } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'build', '-c', join(src, 'airlock.yaml'), '--out', out, '--quiet'], {
    env: { ...process.env, AIRLOCK_CACHE: cache }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`build of ${src} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return { seconds, report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) };
}

const rows: Row[] = [];
for (const example of examples) {
  const [name, version] = example.split('@') as [string, string | undefined];
  const work = mkdtempSync(join(tmpdir(), `airlock-bench-${name}-`));
  const cache = join(work, 'cache');
  mkdirSync(cache);
  const shared = process.env.AIRLOCK_CACHE ?? join(homedir(), '.cache', 'airlock');
  if (!coldCache) for (const d of ['apt', 'debs', 'rootfs', 'npm']) if (existsSync(join(shared, d))) symlinkSync(join(shared, d), join(cache, d));
  try {
    cpSync(join(root, 'examples', name), join(work, 'src'), { recursive: true, filter: (p) => !p.includes('airlock-out') && !p.endsWith('.lock.json') && !p.includes('node_modules') });
    if (version) {
      const yaml = join(work, 'src', 'airlock.yaml');
      writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^version: .*$/m, `version: "${version}"`));
    }
    const cold = build(join(work, 'src'), join(work, 'out-cold'), cache);
    const warm = build(join(work, 'src'), join(work, 'out-warm'), cache);
    const v = cold.report.variants;
    rows.push({ example, prod: v.prod.compressedSize, dev: v.dev.compressedSize, cold: cold.seconds, warm: warm.seconds, same: ['dev', 'prod', 'test'].every((k) => warm.report.variants[k].digest === v[k].digest) });
  } catch (e) {
    console.error(`${example}: ${(e as Error).message}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const cols = ['example', 'prod (gz)', 'dev (gz)', 'prod/dev', 'cold', 'warm', 'same digests'];
const table = rows.map((r) => [r.example, mb(r.prod), mb(r.dev), (r.prod / r.dev).toFixed(4), `${r.cold.toFixed(1)} s`, `${r.warm.toFixed(1)} s`, String(r.same)]);
const widths = cols.map((c, i) => Math.max(c.length, ...table.map((t) => t[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(`cold = ${coldCache ? 'empty airlock cache per example' : 'fresh cache per example (apt lists, .debs and builder rootfs linked; layers, gates, language caches computed)'}; warm = no-change rebuild`);
console.log(line(cols));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const t of table) console.log(line(t));

// Benchmark: builds every language example and prints, per language, prod and dev compressed size, prod/dev ratio,
// and cold and warm build times.
// "Cold" = a fresh airlock cache per example that links only the apt lists, the .debs and the builder root file
// systems of the shared cache: every image layer, blob, gate result and language cache (Go build cache, npm cache)
// is computed anew, but nothing is downloaded and mmdebstrap does not run. --cold-cache uses an empty cache instead
// (downloads, mmdebstrap and every layer: many minutes per language). "Warm" = the same build again, no change.
// EXAMPLE@VERSION builds an example with another `version:` (node-web@20 = Node.js 20 from the npm registry, whose
// tarballs are linked like the .debs).
// Usage: node --import tsx bench/langs.ts [--cold-cache] [example[@version] ...]   (prints a table; nothing is asserted here)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { airlockBuild, copyExample, formatTable, sameDigests, seedCache } from './common.js';

const args = process.argv.slice(2);
const coldCache = args.includes('--cold-cache');
const EXAMPLES: Record<string, string> = { go: 'go-api', rust: 'rust-cli', python: 'python-web', node: 'node-web', java: 'java-app' };
const picked = args.filter((a) => !a.startsWith('--'));
const examples = picked.length ? picked : [...Object.values(EXAMPLES), 'node-web@20', 'python-pip', 'java-maven'];

interface Row { example: string; prod: number; dev: number; cold: number; warm: number; same: boolean }

const rows: Row[] = [];
for (const example of examples) {
  const [name, version] = example.split('@') as [string, string | undefined];
  const work = mkdtempSync(join(tmpdir(), `airlock-bench-${name}-`));
  const cache = join(work, 'cache');
  seedCache(cache, coldCache ? [] : ['apt', 'debs', 'rootfs', 'npm']);
  try {
    copyExample(name, join(work, 'src'));
    if (version) {
      const yaml = join(work, 'src', 'airlock.yaml');
      writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^version: .*$/m, `version: "${version}"`));
    }
    const cold = await airlockBuild(join(work, 'src'), join(work, 'out-cold'), cache);
    const warm = await airlockBuild(join(work, 'src'), join(work, 'out-warm'), cache);
    const v = cold.report.variants;
    rows.push({ example, prod: v.prod.compressedSize, dev: v.dev.compressedSize, cold: cold.seconds, warm: warm.seconds, same: sameDigests(warm.report, cold.report) });
  } catch (e) {
    console.error(`${example}: ${(e as Error).message}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const cols = ['example', 'prod (gz)', 'dev (gz)', 'prod/dev', 'cold', 'warm', 'same digests'];
const table = rows.map((r) => [r.example, mb(r.prod), mb(r.dev), (r.prod / r.dev).toFixed(4), `${r.cold.toFixed(1)} s`, `${r.warm.toFixed(1)} s`, String(r.same)]);
console.log(`cold = ${coldCache ? 'empty airlock cache per example' : 'fresh cache per example (apt lists, .debs and builder rootfs linked; layers, gates, language caches computed)'}; warm = no-change rebuild`);
for (const l of formatTable(cols, table)) console.log(l);

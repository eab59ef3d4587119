// Benchmark: the real C projects of the corpus test (test/fixtures/corpus.ts), each built with zero config from its
// Debian source package: prod and dev sizes, and the build time with the shared cache (downloads kept).
// Usage: node --import tsx bench/corpus.ts [package …]   (prints a table; nothing is asserted here)
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { airlockBuild, formatTable, sharedCacheDir } from './common.js';
import { C_CORPUS } from '../test/fixtures/corpus.js';
import { debianSourceTree } from '../test/helpers/debian-source.js';

const only = process.argv.slice(2);
const rows: string[][] = [];
for (const p of C_CORPUS.filter((x) => only.length === 0 || only.includes(x.pkg))) {
  const dir = debianSourceTree(p.pkg);
  try {
    writeFileSync(join(dir, 'airlock.yaml'), `name: ${p.pkg}\nbase_language: ${p.language}\nversion: gcc-12\n`);
    const { seconds, report } = await airlockBuild(dir, join(dir, 'airlock-out'), sharedCacheDir());
    const v = report.variants;
    const kb = (n: number) => `${(n / 1e3).toFixed(0)} kB`;
    rows.push([p.pkg, p.style, kb(v.prod.compressedSize), `${(v.dev.compressedSize / 1e6).toFixed(0)} MB`, `${seconds.toFixed(0)} s`]);
    process.stderr.write(`built ${p.pkg}\n`);
  } finally {
    rmSync(dirname(dir), { recursive: true, force: true });
  }
}
console.log(formatTable(['project', 'build style', 'prod (compressed)', 'dev (compressed)', 'build'], rows).join('\n'));

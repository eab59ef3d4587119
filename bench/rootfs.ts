// Times builder-rootfs creation for the C builder set: cold (empty rootfs cache; .debs and apt lists already cached,
// or downloaded too with --no-debs) and warm (the cached tar + tree reused). Prints cold, warm and warm/cold.
// Run: node --import tsx bench/rootfs.ts [--no-debs]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultCacheDir } from '../src/debian/cache.js';
import { fetchLocked, lockPackages } from '../src/debian/engine.js';
import { ensureBuilderRootfs } from '../src/debian/rootfs.js';
import { memoryLog } from '../src/log.js';

/** Result of one benchmark run, in milliseconds. */
export interface RootfsBench {
  packages: number;
  debsCached: boolean;
  coldMs: number;
  warmMs: number;
  /** Warm path as a build sees it: lock from cached lists, verify every cached .deb, reuse the rootfs. */
  warmPipelineMs: number;
  ratio: number;
  tarBytes: number;
}

/** Runs the benchmark in a scratch cache seeded from the shared one (which is filled first if needed). */
export async function benchRootfs(opts: { debsCached: boolean }): Promise<RootfsBench> {
  const shared = defaultCacheDir(process.env);
  const req = { builder: ['gcc', 'make', 'libc6-dev'], runtime: ['libc6'], architecture: 'amd64', configDigest: 'bench' };
  const lock = await lockPackages(req, { cache: shared, log: memoryLog(), offline: false });
  await fetchLocked(lock, { cache: shared, log: memoryLog(), offline: false });
  const cache = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
  try {
    if (opts.debsCached) {
      mkdirSync(join(cache, 'debs'), { recursive: true });
      execFileSync('cp', ['-al', join(shared, 'debs', 'sha256'), join(cache, 'debs', 'sha256')]);
    }
    const t0 = performance.now();
    const r = await ensureBuilderRootfs(lock, { cache, log: memoryLog(), offline: false });
    const coldMs = performance.now() - t0;
    const t1 = performance.now();
    await ensureBuilderRootfs(lock, { cache, log: memoryLog(), offline: false });
    const warmMs = performance.now() - t1;
    const t2 = performance.now();
    const again = await lockPackages(req, { cache: shared, log: memoryLog(), offline: true });
    await fetchLocked(again, { cache, log: memoryLog(), offline: true });
    await ensureBuilderRootfs(again, { cache, log: memoryLog(), offline: true });
    const warmPipelineMs = performance.now() - t2;
    return { packages: lock.sets.builder.length, debsCached: opts.debsCached, coldMs, warmMs, warmPipelineMs, ratio: warmMs / coldMs, tarBytes: statSync(r.tar).size };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const b = await benchRootfs({ debsCached: !process.argv.includes('--no-debs') });
  console.log(`builder rootfs, ${b.packages} packages, .debs ${b.debsCached ? 'already cached' : 'downloaded'}, tar ${(b.tarBytes / 1e6).toFixed(1)} MB`);
  console.log(`cold: ${(b.coldMs / 1000).toFixed(2)} s`);
  console.log(`warm: ${b.warmMs.toFixed(1)} ms`);
  console.log(`warm/cold: ${b.ratio.toExponential(2)}`);
  console.log(`warm incl. lock from cached lists + sha256 check of every .deb: ${(b.warmPipelineMs / 1000).toFixed(2)} s (${(b.warmPipelineMs / b.coldMs).toFixed(3)} of cold)`);
}

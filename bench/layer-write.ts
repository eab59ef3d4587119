// Times our tar+gzip layer write (pinned pako, blockwise on worker threads) against GNU `tar --sort=name … | gzip -n -9` on the same ~300 MB of files.
// Usage: node --import tsx bench/layer-write.ts [MB]   (default 300)
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { layerFromEntries } from '../src/image/layer.js';
import { memoryBlobStore, type BlobStore } from '../src/image/blob-store.js';
import { Hasher } from '../src/image/digest.js';
import { entriesFromDir } from '../src/sinks/dir-source.js';

/** A store that only hashes (so the bench measures tar+gzip, not disk writes). */
function countingStore(): BlobStore {
  const m = memoryBlobStore();
  return {
    async put(stream) { const h = new Hasher(); for await (const c of stream) h.update(c); return { digest: h.digest(), size: h.size }; },
    open: m.open, has: m.has,
  };
}

/** ~`mb` MB of files: a third random (incompressible), two thirds text-like (compressible), in nested dirs. */
function makeFiles(root: string, mb: number): number {
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  // A 4096-word vocabulary of 2–10 letters plus punctuation: compresses like source code or docs (~3x).
  const words = Array.from({ length: 4096 }, () => Array.from({ length: 2 + Math.floor(rnd() * 9) }, () => String.fromCharCode(97 + Math.floor(rnd() * 26))).join(''))
    .map((w, i) => w + (i % 11 === 0 ? '\n' : i % 5 === 0 ? '(); ' : ' '));
  let total = 0;
  let i = 0;
  while (total < mb * 1024 * 1024) {
    const dir = join(root, `d${i % 40}`, `s${i % 7}`);
    mkdirSync(dir, { recursive: true });
    const size = 16 * 1024 + Math.floor(rnd() * 240 * 1024);
    let data: Buffer;
    if (i % 3 === 0) data = randomBytes(size);
    else {
      const parts: string[] = [];
      let n = 0;
      while (n < size) { const w = words[Math.floor(rnd() * words.length)]!; parts.push(w); n += w.length; }
      data = Buffer.from(parts.join(''));
    }
    writeFileSync(join(dir, `f${i}.dat`), data);
    total += data.length;
    i++;
  }
  return total;
}

function gnu(root: string): Promise<{ ms: number; cpuMs: number; size: number; sha: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    // /usr/bin/time reports the CPU seconds of the whole pipeline (sh, tar and gzip) on stderr.
    const p = spawn('/usr/bin/time', ['-f', '%U %S', 'sh', '-c', 'tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - . | gzip -n -9'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const h = createHash('sha256');
    let size = 0;
    let err = '';
    p.stdout.on('data', (c: Buffer) => { h.update(c); size += c.length; });
    p.stderr.on('data', (c: Buffer) => { err += String(c); });
    p.once('error', reject);
    p.once('close', (code) => {
      const [u, s] = err.trim().split('\n').pop()!.split(' ').map(Number);
      if (code === 0) resolve({ ms: performance.now() - t0, cpuMs: ((u ?? 0) + (s ?? 0)) * 1000, size, sha: h.digest('hex') });
      else reject(new Error(`tar|gzip exited ${code}: ${err}`));
    });
  });
}

async function main(): Promise<void> {
  const mb = Number(process.argv[2] ?? 300);
  const root = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
  try {
    const bytes = makeFiles(root, mb);
    const rssBefore = process.memoryUsage().rss;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const entries = await entriesFromDir(root, { owner: { uid: 0, gid: 0 } });
    const { layer } = await layerFromEntries(entries, { epoch: 0, store: countingStore() });
    const ours = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const oursCpu = (cpu.user + cpu.system) / 1000;
    const rssPeak = process.memoryUsage().rss;
    const theirs = await gnu(root);
    const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
    console.log(`input:        ${entries.length} entries, ${mib(bytes)} of file data; ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(1)}`);
    console.log(`airlock:      ${f(ours)} wall, ${f(oursCpu)} cpu  (${(bytes / 1024 / 1024 / (ours / 1000)).toFixed(1)} MiB/s)  layer ${mib(layer.size)}  tar ${mib(layer.uncompressedSize ?? 0)}  rss ${mib(rssBefore)} -> ${mib(rssPeak)}`);
    console.log(`tar | gzip:   ${f(theirs.ms)} wall, ${f(theirs.cpuMs)} cpu  (${(bytes / 1024 / 1024 / (theirs.ms / 1000)).toFixed(1)} MiB/s)  layer ${mib(theirs.size)}`);
    console.log(`ratio:        ${(ours / theirs.ms).toFixed(2)}x the wall time, ${(oursCpu / theirs.cpuMs).toFixed(2)}x the cpu time of GNU tar | gzip -n -9; size ${(layer.size / theirs.size).toFixed(4)}x`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();

// Shared by the fault tests (kills, concurrency, full disk): a private cache seeded from the warm one, a CLI run
// that can be killed when its log shows a marker, and checks that an output folder is whole.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir } from '../../src/debian/cache.js';
import { hashFile } from '../../src/files/file-hash.js';
import { BUILD_RECORD, reusableOutputs } from '../../src/pipeline/build-record.js';
import { repoRoot } from './cli.js';

/** A seeded random number generator (mulberry32): the same seed, the same kill moments. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The sha256 of every package a lock names. */
export function lockedShas(lockFile: string): string[] {
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { sets: Record<string, { sha256: string }[]> };
  return [...new Set(Object.values(lock.sets).flat().map((p) => p.sha256))].sort();
}

/**
 * Seeds a private cache with hard links to the warm cache's .debs of a lock (read-only files, replaced only by
 * rename, so the warm cache is never written through them): the package downloads are skipped, every later stage
 * runs in the private cache.
 */
export function seedDebs(cache: string, lockFile: string, env: NodeJS.ProcessEnv = process.env): number {
  const from = join(defaultCacheDir(env), 'debs', 'sha256');
  const to = join(cache, 'debs', 'sha256');
  mkdirSync(to, { recursive: true });
  let n = 0;
  for (const hex of lockedShas(lockFile)) {
    if (!existsSync(join(from, hex)) || existsSync(join(to, hex))) continue;
    linkSync(join(from, hex), join(to, hex));
    n++;
  }
  return n;
}

export interface KillableRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The kill was sent before the process ended. */
  killed: boolean;
  pid: number;
}

/**
 * `airlock ...args` from source; when `kill` is given, SIGKILLs the process `delayMs` after its output first
 * matches `marker` (or after `delayMs` from the start when there is no marker).
 */
export function runKillable(
  args: string[], env: NodeJS.ProcessEnv, kill?: { marker?: RegExp; delayMs: number }, cwd = repoRoot,
): Promise<KillableRun> {
  const main = join(repoRoot, 'src', 'cli', 'main.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
      cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let armed = false;
    let killed = false;
    let exited = false;
    const arm = () => {
      if (armed || !kill) return;
      armed = true;
      setTimeout(() => { if (!exited) { killed = true; child.kill('SIGKILL'); } }, kill.delayMs);
    };
    if (kill && !kill.marker) arm();
    const watch = () => { if (kill?.marker && kill.marker.test(stderr + stdout)) arm(); };
    child.stdout.on('data', (d) => { stdout += d; watch(); });
    child.stderr.on('data', (d) => { stderr += d; watch(); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      exited = true;
      resolve({ code, signal, stdout, stderr, killed: killed && signal === 'SIGKILL', pid: child.pid ?? 0 });
    });
  });
}

/** The image digests of a report, by variant. */
export type Digests = Record<'dev' | 'prod' | 'test', string>;

/**
 * The digests of the outputs in `out` when the folder is whole, else a description of what is wrong. With a build
 * record whose stamps still match, every file it lists is as the build wrote it, nothing added or missing. Else (a
 * build killed after its swap, before it recorded the stamps, or a killed build that hard-linked these files) the
 * folder is checked itself: report.json, every blob the layout's images name (sha256), and each docker-archive read
 * to its end by tar.
 */
export async function wholeOutputs(out: string): Promise<Digests | string> {
  if (!existsSync(out)) return 'the output folder is missing';
  let key: string | undefined;
  try { key = JSON.parse(readFileSync(join(out, BUILD_RECORD), 'utf8')).key; } catch { key = undefined; }
  // A record whose stamps no longer match (a later build hard-linked these files into its own outputs, which
  // changes their ctime, and was killed before its swap) only makes the folder not reusable: check the files.
  const report = (key !== undefined ? await reusableOutputs(out, key) : undefined) ?? await checkedReport(out);
  if (!report) return `not whole: a mix or a partial write (files: ${readdirSync(out).join(', ')})`;
  const v = report.variants;
  return { dev: v.dev.digest, prod: v.prod.digest, test: v.test.digest };
}

type Report = { variants: Record<'dev' | 'prod' | 'test', { digest: string }>; outputs: { archives: Record<string, string> } };

async function checkedReport(out: string): Promise<Report | undefined> {
  let report: Report;
  try { report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report; } catch { return undefined; }
  const blob = (d: string) => join(out, 'oci', 'blobs', 'sha256', d.replace(/^sha256:/, ''));
  const intact = async (d: string) => existsSync(blob(d)) && `sha256:${await hashFile(blob(d))}` === d;
  for (const { digest } of Object.values(report.variants)) {
    if (!(await intact(digest))) return undefined;
    const m = JSON.parse(readFileSync(blob(digest), 'utf8')) as { config: { digest: string }; layers: { digest: string }[] };
    for (const d of [m.config.digest, ...m.layers.map((l) => l.digest)]) if (!(await intact(d))) return undefined;
  }
  for (const a of Object.values(report.outputs.archives)) {
    if (spawnSync('tar', ['-tf', join(out, a)], { stdio: 'ignore' }).status !== 0) return undefined;
  }
  return report;
}

function linkOrCopy(from: string, to: string): void {
  try { linkSync(from, to); } catch { copyFileSync(from, to); }
}

/**
 * Hard-links (or copies, across file systems) into a private cache the warm cache's layer records of the images in
 * an OCI layout (an earlier build's outputs) and their blobs: the private cache's builds reuse the big builder layer.
 */
export function seedLayers(cache: string, ociDir: string, env: NodeJS.ProcessEnv = process.env): number {
  const warm = defaultCacheDir(env);
  const blobs = (root: string) => join(root, 'blobs', 'blobs', 'sha256');
  const wanted = new Set(readdirSync(join(ociDir, 'blobs', 'sha256')));
  mkdirSync(join(cache, 'layers'), { recursive: true });
  mkdirSync(blobs(cache), { recursive: true });
  let n = 0;
  for (const name of readdirSync(join(warm, 'layers')).filter((f) => f.endsWith('.json') && !f.startsWith('.'))) {
    const record = join(warm, 'layers', name);
    const hex = /"digest":"sha256:([0-9a-f]{64})"/.exec(readFileSync(record, 'utf8'))?.[1];
    if (!hex || !wanted.has(hex) || !existsSync(join(blobs(warm), hex))) continue;
    if (!existsSync(join(blobs(cache), hex))) linkOrCopy(join(blobs(warm), hex), join(blobs(cache), hex));
    if (!existsSync(join(cache, 'layers', name))) linkOrCopy(record, join(cache, 'layers', name));
    n++;
  }
  return n;
}

/** Removes the layer records (and their blobs) of layers smaller than `maxBytes`: the next build writes them again. */
export function dropSmallLayers(cache: string, maxBytes: number): number {
  let n = 0;
  for (const name of readdirSync(join(cache, 'layers')).filter((f) => f.endsWith('.json'))) {
    const text = readFileSync(join(cache, 'layers', name), 'utf8');
    const size = Number(/"size":(\d+)/.exec(text)?.[1] ?? Infinity);
    const hex = /"digest":"sha256:([0-9a-f]{64})"/.exec(text)?.[1];
    if (!(size < maxBytes)) continue;
    rmSync(join(cache, 'layers', name), { force: true });
    if (hex) rmSync(join(cache, 'blobs', 'blobs', 'sha256', hex), { force: true });
    n++;
  }
  return n;
}

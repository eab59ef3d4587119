// What the bench scripts share: the repository root, a scratch copy of an example, a scratch airlock cache that links
// parts of the shared one, a timed `airlock build`, a child-process runner and a plain-text table.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir } from '../src/debian/cache.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Copies examples/<name> to `dest`, leaving out build outputs, the lock file and node_modules. */
export function copyExample(name: string, dest: string): void {
  const from = join(repoRoot, 'examples', name);
  if (!existsSync(join(from, 'airlock.yaml'))) throw new Error(`no example ${name} (examples/${name}/airlock.yaml)`);
  cpSync(from, dest, { recursive: true, filter: (p) => !p.includes('airlock-out') && !p.endsWith('.lock.json') && !p.includes('node_modules') });
}

/** The cache that normal builds fill: $AIRLOCK_CACHE, else ~/.cache/airlock. */
export const sharedCacheDir = (): string => defaultCacheDir(process.env);

/**
 * Makes `cache` a scratch airlock cache whose subfolders `dirs` (e.g. apt, debs) are links to the shared cache's,
 * so a build there reuses what they hold and computes everything else. Returns the folders that were linked.
 */
export function seedCache(cache: string, dirs: readonly string[], shared = sharedCacheDir()): string[] {
  mkdirSync(cache, { recursive: true });
  const linked = dirs.filter((d) => existsSync(join(shared, d)));
  for (const d of linked) symlinkSync(join(shared, d), join(cache, d));
  return linked;
}

/** Newest modification time (ms) of the non-test .ts files under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * How to start the CLI: bin/airlock (compiled dist/) when dist/ is newer than every source file, else the sources
 * through tsx (bin/airlock would run a stale dist/). `how` says which, for the output.
 */
export function airlockCommand(): { argv: string[]; how: string } {
  const compiled = join(repoRoot, 'dist', 'cli', 'main.js');
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= newestSource(join(repoRoot, 'src'))) {
    return { argv: [process.execPath, join(repoRoot, 'bin', 'airlock')], how: 'bin/airlock (compiled dist/)' };
  }
  return {
    argv: [process.execPath, '--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts')],
    how: 'src/cli/main.ts through tsx (dist/ missing or older than src/; `npm run build` times the compiled CLI)',
  };
}

export interface ChildResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; seconds: number }

/** Children still running, so an interrupted bench can end them. */
export const running = new Set<ChildProcess>();

let stopping: NodeJS.Signals | undefined;

/** The signal that is stopping this bench, if one came: its loops start no new step then. */
export const interrupted = (): NodeJS.Signals | undefined => stopping;

/**
 * On the first SIGINT or SIGTERM: ends the running children, lets runChild start no new one, awaits `stop` (which
 * stops dockerd and removes scratch files) and exits with 128 + the signal's number. A second signal is ignored, so
 * a repeated ^C cannot exit before `stop` is done and leave dockerd or its folders behind.
 */
export function stopOnSignal(stop: () => Promise<void>, log: (msg: string) => void): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) return log(`${sig}: already stopping (${stopping})`);
      stopping = sig;
      log(`${sig}: stopping dockerd and removing scratch files`);
      for (const c of running) c.kill('SIGTERM');
      void stop()
        .catch((e: unknown) => log(`stopping: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => process.exit(128 + constants.signals[sig]));
    });
  }
}

/**
 * Runs a program to its end and times it with performance.now around the child process. stdout is kept whole
 * unless `stdoutTo` is given; stderr keeps its last 64 KB. Never rejects on a non-zero exit: the caller decides.
 */
export function runChild(cmd: string, args: readonly string[], opts: SpawnOptions & { stdoutTo?: NodeJS.WritableStream } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    if (stopping) return reject(new Error(`${cmd} not started: the bench is stopping (${stopping})`));
    const t0 = performance.now();
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    if (opts.stdoutTo) child.stdout!.pipe(opts.stdoutTo, { end: false });
    else child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-65536); });
    child.on('error', (e) => { running.delete(child); reject(e); });
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stdout, stderr, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

/** The parts of report.json the benches read. */
export interface BuildReport {
  variants: Record<'dev' | 'prod' | 'test', { ref: string; digest: string; compressedSize: number; uncompressedSize: number }>;
  reduction: number;
}

/** One `airlock build --quiet` of `src` into `out` with AIRLOCK_CACHE=`cache`, timed; throws when it fails. */
export async function airlockBuild(src: string, out: string, cache: string): Promise<{ seconds: number; report: BuildReport }> {
  const [cmd, ...pre] = airlockCommand().argv as [string, ...string[]];
  const r = await runChild(cmd, [...pre, 'build', '-c', join(src, 'airlock.yaml'), '--out', out, '--quiet'], {
    env: { ...process.env, AIRLOCK_CACHE: cache },
  });
  if (r.code !== 0) throw new Error(`airlock build of ${src} failed (${r.code ?? r.signal}):\n${r.stderr.slice(-2000)}`);
  return { seconds: r.seconds, report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BuildReport };
}

/** True when dev, prod and test have the same digests in both reports. */
export const sameDigests = (a: BuildReport, b: BuildReport): boolean =>
  (['dev', 'prod', 'test'] as const).every((k) => a.variants[k].digest === b.variants[k].digest);

/** Lines of a left-aligned table: the header, a rule, then the rows. */
export function formatTable(cols: readonly string[], rows: readonly string[][]): string[] {
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

// A running build's hold on the cache: holds/<pid>-<id>.json names the process and its start time. Prune never
// removes an entry used since the oldest live hold began (builds touch what they use: touch.ts). Holds of processes
// that are gone (or whose pid now names another process) are ignored and removed.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic.js';
import { processAlive, processStart } from '../files/process.js';

/** What a hold file says. */
export interface HoldRecord {
  pid: number;
  /** When the hold began (ms since the epoch); entries used since then are kept. */
  start: number;
  /** The process's start time in clock ticks after boot (/proc/<pid>/stat), to tell a reused pid apart. */
  procStart?: string;
}

/** A hold, released when the build ends (a crashed build's hold is ignored once its process is gone). */
export interface CacheHold {
  release(): Promise<void>;
}

/** The folder of the hold files (prune's own lock lives there too). */
export function holdsDir(cacheDir: string): string {
  return join(cacheDir, 'holds');
}

export { processAlive, processStart };

/** Registers a running build; call `release()` when it ends. Take it before the build reads anything cached. */
export async function holdCache(cacheDir: string, now: number = Date.now()): Promise<CacheHold> {
  const file = join(holdsDir(cacheDir), `${process.pid}-${randomBytes(4).toString('hex')}.json`);
  const procStart = processStart(process.pid);
  const record: HoldRecord = { pid: process.pid, start: now, ...(procStart ? { procStart } : {}) };
  await writeFileAtomic(file, `${JSON.stringify(record)}\n`);
  return { release: () => rm(file, { force: true }) };
}

/** The holds of running processes; the files of dead ones are removed. */
export async function liveHolds(cacheDir: string): Promise<HoldRecord[]> {
  const dir = holdsDir(cacheDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  const live: HoldRecord[] = [];
  for (const name of names.filter((n) => /^\d+-[0-9a-f]+\.json$/.test(n)).sort()) {
    const file = join(dir, name);
    let hold: HoldRecord | undefined;
    try { hold = JSON.parse(await readFile(file, 'utf8')) as HoldRecord; } catch { continue; /* being written, or gone */ }
    if (processAlive(hold.pid, hold.procStart)) live.push(hold);
    else await rm(file, { force: true });
  }
  return live;
}

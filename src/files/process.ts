// Whether the process that left a lock, hold or temp file still runs: its pid is alive and, when its start time was
// recorded, started then (a pid reused by another process after a crash does not keep a lock forever).
import { readFileSync } from 'node:fs';

/** Start time of a process in clock ticks after boot, from /proc (undefined where there is no /proc). */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs (and, with `procStart`, is the process that started then). */
export function processAlive(pid: number, procStart?: string): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try { process.kill(pid, 0); } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (procStart === undefined) return true;
  const now = processStart(pid);
  return now === undefined || now === procStart;
}

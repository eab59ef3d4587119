// A cross-process lock on a file (O_EXCL create; the owner's pid and start time inside; locks of dead owners broken).
import { randomBytes } from 'node:crypto';
import {
  closeSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AirlockError } from '../errors.js';
import { processAlive, processStart } from './process.js';

/** The lock's owner: "pid" or "pid start" (start: /proc start time, so a reused pid is not taken for the owner). */
function ownerOf(path: string): { pid: number; start?: string } | 'dir' | undefined {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'dir' : undefined;
  }
  const [pid, start] = text.trim().split(' ');
  return { pid: Number.parseInt(pid ?? '', 10), ...(start ? { start } : {}) };
}

const mtimeOf = (path: string) => { try { return lstatSync(path).mtimeMs; } catch { return 0; } };

function ownerAlive(path: string): boolean {
  const owner = ownerOf(path);
  if (owner === undefined) return true; // gone or unreadable: try again
  if (owner === 'dir') return false; // an older airlock's lock directory, never a live one
  // Empty: its writer is between create and write, or died there (then the file stops changing).
  if (!Number.isFinite(owner.pid) || owner.pid <= 0) return Date.now() - mtimeOf(path) < 5000;
  return owner.pid === process.pid || processAlive(owner.pid, owner.start);
}

/**
 * Breaks the lock of a dead owner: renamed aside first, and put back when what was renamed is no longer the lock
 * judged dead (another process broke it and took a new one in between).
 */
function breakStale(path: string): void {
  let ino: number;
  try { ino = lstatSync(path).ino; } catch { return; }
  if (ownerAlive(path)) return;
  const grave = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try { renameSync(path, grave); } catch { return; }
  try {
    if (lstatSync(grave).ino !== ino && ownerAlive(grave)) linkSync(grave, path);
  } catch { /* a newer lock is in place: it stays */ }
  rmSync(grave, { recursive: true, force: true });
}

/** The holder named in a lock file, for messages. */
export function lockHolder(path: string): string {
  const owner = ownerOf(path);
  return owner && owner !== 'dir' && Number.isFinite(owner.pid) ? String(owner.pid) : '';
}

/**
 * Runs `fn` while holding the lock file `path`; waits (up to `timeoutMs`; 0: not at all) for another holder to
 * finish, then throws `held(pid)` or a `cache-locked` error naming the path and the holder's pid.
 */
export async function withFileLock<T>(
  path: string, fn: () => Promise<T>, timeoutMs = 30 * 60_000, held?: (holder: string) => AirlockError,
): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const start = Date.now();
  const me = `${process.pid} ${processStart(process.pid) ?? ''}`.trim();
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      try { writeSync(fd, me); } finally { closeSync(fd); }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!ownerAlive(path)) { breakStale(path); continue; }
      if (Date.now() - start >= timeoutMs) {
        const holder = lockHolder(path);
        const by = `another process${holder ? ` (pid ${holder})` : ''}`;
        const hint = 'wait for the other airlock run to finish, or delete the lock file if that process is not airlock';
        throw held?.(holder) ?? new AirlockError('packages', 'cache-locked', `the lock ${path} is held by ${by}`, { hint });
      }
      await sleep(100 + Math.floor(Math.random() * 150));
    }
  }
  try {
    return await fn();
  } finally {
    try { unlinkSync(path); } catch { /* already gone */ }
  }
}

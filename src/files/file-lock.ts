// A cross-process lock on a file in the cache (O_EXCL create, owner pid inside, stale locks of dead owners broken).
import { openSync, closeSync, writeSync, readFileSync, unlinkSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AirlockError } from '../errors.js';

function ownerAlive(path: string): boolean {
  let pid = NaN;
  try { pid = Number.parseInt(readFileSync(path, 'utf8'), 10); } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'EISDIR'; // a directory: an older airlock's lock, never a live one
  }
  if (!Number.isFinite(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Runs `fn` while holding the lock file `path`; waits (up to `timeoutMs`) for another holder to finish. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 30 * 60_000): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const start = Date.now();
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!ownerAlive(path)) { try { rmSync(path, { recursive: true }); } catch { /* someone else broke it */ } continue; }
      if (Date.now() - start > timeoutMs) {
        const holder = (() => { try { return readFileSync(path, 'utf8').trim(); } catch { return ''; } })();
        throw new AirlockError('packages', 'cache-locked', `the lock ${path} is held by another process${holder ? ` (pid ${holder})` : ''}`, {
          hint: 'wait for the other airlock run to finish, or delete the lock file if that process is not airlock',
        });
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

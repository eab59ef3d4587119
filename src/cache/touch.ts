// "Last used" of a cache entry is its mtime: a build touches what it uses, and prune removes the least recently used.
import { utimes } from 'node:fs/promises';

/**
 * Records that a cache entry (file or folder) is being used: its mtime (and atime) become now. Best-effort (an entry
 * another user owns stays as it is); returns false only when the entry is gone. Touch first, then read: a prune that
 * removes the entry after the touch sees the new time and puts it back, and a touch after the removal fails, so the
 * caller sees a cache miss instead of a file vanishing under it. Not for verified entries (`verify-once.ts`): a touch
 * changes the ctime their stat witness compares; their record is touched instead.
 */
export async function touchCacheEntry(path: string, now: Date = new Date()): Promise<boolean> {
  try {
    await utimes(path, now, now);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

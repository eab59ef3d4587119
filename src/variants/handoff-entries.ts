// Turns handoff files (bytes on the host) into image entries owned by root.
import { stat } from 'node:fs/promises';
import type { FileEntry } from '../image/entry.js';
import { readFileSized } from '../sinks/blob-store.js';
import type { HandoffFile } from './artifacts.js';

/** Image entries for handoff files, optionally placed under a prefix; content is read lazily from the host. */
export async function handoffEntries(files: readonly HandoffFile[], prefix = ''): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for (const f of files) {
    const path = prefix ? `${prefix}/${f.path}` : f.path;
    if (f.type === 'symlink') out.push({ path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: f.linkname! });
    else if (f.type === 'dir') out.push({ path, type: 'dir', mode: f.mode, uid: 0, gid: 0, size: 0 });
    else {
      const size = (await stat(f.hostPath)).size;
      const host = f.hostPath;
      out.push({ path, type: 'file', mode: f.mode, uid: 0, gid: 0, size, open: () => readFileSized(host, size) });
    }
  }
  return out;
}

/** The default entrypoint: the single executable artifact under a bin/ or sbin/ directory. */
export function defaultEntrypoint(files: readonly HandoffFile[]): { entrypoint?: string[]; candidates: string[] } {
  const candidates = files
    .filter((f) => (f.type === 'file' || f.type === 'symlink') && /(^|\/)s?bin\/[^/]+$/.test(f.path) && (f.type === 'symlink' || (f.mode & 0o111) !== 0))
    .map((f) => `/${f.path}`)
    .sort();
  return candidates.length === 1 ? { entrypoint: [candidates[0]!], candidates } : { candidates };
}

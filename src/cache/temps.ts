// Temp files and folders left by killed runs: swept when the process named in them is gone, or (no process named)
// when untouched for a day. Temp files of running processes are never touched.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { treeBytes } from './du.js';
import { processAlive } from './hold.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Folders where writers make their temp files (a temp file lives beside its target, so the rename is atomic). */
const TEMP_DIRS: readonly string[][] = [
  ['tmp'], ['blobs'], ['layers'], ['gates'], ['steps'], ['builds'], ['holds'], ['rootfs'], ['upstream', 'trees'], ['npm'],
  ['debs', 'verified'], ['npm', 'verified'], ['cas', 'verified'], ['cas', 'sha256'], ['run'],
];

const PID_PATTERNS: readonly RegExp[] = [
  /^\..+\.tmp-(\d+)-[0-9a-f]{12}$/, // sinks/atomic.ts tempPathFor
  /^[0-9a-f]{64}\.(\d+)\.part$/, // debian/fetch.ts downloads
  /^[0-9a-f]{32}\.(?:work|extract)-(\d+)$/, // debian/rootfs.ts
  /^[0-9a-f]{64}\.tmp-(\d+)$/, // the step cache's content store; run/unpack.ts
  /^prune-(\d+)-[0-9a-f]{12}$/, // prune's own trash
];
const AGE_PATTERNS: readonly RegExp[] = [/^\.fetch-[A-Za-z0-9]{6}$/, /^[0-9a-f]{32}\.tmp-[A-Za-z0-9]{6}$/]; // mkdtemp

/** Whose temp a name is: a pid, 'unnamed' (a temp naming no process), or undefined (not a temp name). */
export function tempOwner(name: string, inTmp: boolean): number | 'unnamed' | undefined {
  for (const re of PID_PATTERNS) {
    const m = re.exec(name);
    if (m) return Number(m[1]);
  }
  return inTmp || AGE_PATTERNS.some((re) => re.test(name)) ? 'unnamed' : undefined;
}

/** Temp paths of dead processes (and unnamed ones a day old), with their sizes. */
export function staleTemps(cacheDir: string, now: number): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  for (const parts of TEMP_DIRS) {
    const dir = join(cacheDir, ...parts);
    let names: string[] = [];
    try { names = readdirSync(dir).sort(); } catch { continue; }
    for (const name of names) {
      const owner = tempOwner(name, parts.length === 1 && parts[0] === 'tmp');
      if (owner === undefined) continue;
      const path = join(dir, name);
      let mtime = 0;
      try { mtime = lstatSync(path).mtimeMs; } catch { continue; }
      const stale = owner === 'unnamed' ? now - mtime > DAY_MS : !processAlive(owner);
      if (stale) out.push({ path, size: treeBytes(path) });
    }
  }
  return out;
}

// The output folder's safety: one build writes it at a time (a lock beside it), and what a killed build left beside
// it is finished. The swap itself is `writeOutputsAtomically` (outputs.ts).
import { existsSync, readdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AirlockError } from '../errors.js';
import { withFileLock } from '../files/file-lock.js';

/** The lock beside an output folder: one build writes it at a time, a second one fails at once naming the first. */
export function withOutputLock<T>(outDir: string, fn: () => Promise<T>): Promise<T> {
  const held = (pid: string) => {
    const by = `another airlock build${pid ? ` (pid ${pid})` : ''}`;
    const hint = 'wait for that build to finish, or give this one another --out';
    const message = `the output folder ${outDir} is being written by ${by}`;
    return new AirlockError('image', 'output-locked', message, { hint });
  };
  return withFileLock(join(dirname(outDir), `.${basename(outDir)}.lock`), fn, 0, held);
}

/** The folders a swap leaves beside `outDir` while it runs: `.NAME.tmp-PID` (new) and `.NAME.old-PID` (previous). */
function swapFolders(outDir: string): { tmp: string[]; old: string[] } {
  const name = basename(outDir);
  let names: string[] = [];
  try { names = readdirSync(dirname(outDir)); } catch { /* no parent yet */ }
  const of = (kind: string) =>
    names.filter((n) => n.startsWith(`.${name}.${kind}-`)).sort().map((n) => join(dirname(outDir), n));
  return { tmp: of('tmp'), old: of('old') };
}

/**
 * Finishes what a killed build left beside `outDir` (call under its lock): a kill between the swap's two renames
 * left no `outDir` and the previous outputs in `.NAME.old-PID`, which are put back; unfinished folders are removed.
 */
export async function recoverOutputs(outDir: string): Promise<void> {
  const { tmp, old } = swapFolders(outDir);
  if (!existsSync(outDir) && old.length > 0) await rename(old.pop()!, outDir);
  for (const p of [...tmp, ...old]) await rm(p, { recursive: true, force: true });
}

/** The ignore pattern of the lock and swap folders beside an output folder at `rel` (so a build never reads them). */
export function outputSiblings(rel: string | undefined): string | undefined {
  return rel === undefined ? undefined : join(dirname(rel), `.${basename(rel)}.*`).replace(/^\.\//, '');
}

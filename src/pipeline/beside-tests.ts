// The test steps, and beside them the work that does not depend on them (pipeline/run-build): on two cores a build's
// tests no longer wait for the handoff and the assembly of prod and dev, nor those for the tests.
import type { Log } from '../log.js';
import { BUILD_NOTES_DIR } from '../variants/artifacts.js';
import type { BuildPlan } from './plan.js';
import { join } from 'node:path';
import { diffTrees, linkTree, snapshotTree, type StatEntry } from './tree-diff.js';

/**
 * The test steps, and beside them `early` (the handoff, prod and dev, their gates), given the install root to read.
 * Side by side when there are test steps and every artifact comes from $AIRLOCK_OUT (one from the work tree would
 * race the tests writing there); one after the other otherwise. Side by side, `early` reads a hard-linked copy of
 * $AIRLOCK_OUT made before the tests start (in `scratch`), so a file a test step adds, deletes or renames there never
 * reaches it; a test step that changed $AIRLOCK_OUT beyond its build notes (an in-place write moves the ctime, seen
 * in the linked copy too) makes `early` run again on what it left, as it would have run after the tests. A failed
 * test step wins over a failure of `early` (the tests come first in the plan). An `early` result the build does not
 * keep (the tests failed, or it is made again) goes to `drop` first.
 */
export async function besideTests<T, E>(
  plan: Pick<BuildPlan, 'steps' | 'handoff'>, dirs: { out: string; scratch: string }, log: Log,
  tests: () => Promise<T>, early: (outDir: string) => Promise<E>, drop: (e: E) => Promise<void> = async () => undefined,
): Promise<{ tested: T; early: E }> {
  const side = plan.steps.some((st) => st.phase === 'test') && (plan.handoff.artifacts ?? []).every((a) => a.fromRoot === 'out');
  if (!side) {
    const tested = await tests();
    return { tested, early: await early(dirs.out) };
  }
  const frozen = join(dirs.scratch, 'out-before-tests');
  await linkTree(dirs.out, frozen);
  const before = await installedTree(dirs.out); // after linking: a link moves the ctime of every file
  const [t, e] = await Promise.allSettled([tests(), early(frozen)]);
  // What `early` made and the build does not keep is handed to `drop` (it may hold files), before anything goes on;
  // a failure to drop it never hides the error that made the build drop it.
  const unkept = async () => { if (e.status === 'fulfilled') await drop(e.value).catch(() => undefined); };
  if (t.status === 'rejected') { await unkept(); throw t.reason; }
  let redo: string[];
  try {
    const { changed, deleted } = diffTrees(before, await installedTree(dirs.out));
    redo = [...changed, ...deleted];
  } catch (err) {
    await unkept();
    throw err;
  }
  if (redo.length) {
    log.info(`a test step changed $AIRLOCK_OUT (${redo.slice(0, 3).join(', ')}${redo.length > 3 ? ', …' : ''}): the handoff, prod and dev are made again from what it left`);
    await unkept();
    return { tested: t.value, early: await early(dirs.out) };
  }
  if (e.status === 'rejected') throw e.reason;
  return { tested: t.value, early: e.value };
}

/** $AIRLOCK_OUT as the handoff sees it: the build notes (where test steps keep their summaries) left out. */
async function installedTree(outDir: string): Promise<Map<string, StatEntry>> {
  const all = await snapshotTree(outDir);
  for (const p of all.keys()) if (p === BUILD_NOTES_DIR || p.startsWith(`${BUILD_NOTES_DIR}/`)) all.delete(p);
  return all;
}

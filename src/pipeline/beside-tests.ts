// The test steps, and beside them the work that does not depend on them (pipeline/run-build): on two cores a build's
// tests no longer wait for the handoff and the assembly of prod and dev, nor those for the tests.
import type { Log } from '../log.js';
import { BUILD_NOTES_DIR } from '../variants/artifacts.js';
import type { BuildPlan } from './plan.js';
import { diffTrees, snapshotTree, type StatEntry } from './tree-diff.js';

/**
 * The test steps, and beside them `early` (the handoff, prod and dev, their gates), which reads only what the build
 * steps left in $AIRLOCK_OUT. Side by side when there are test steps and every artifact comes from $AIRLOCK_OUT (one
 * from the work tree would race the tests writing there); one after the other otherwise. A test step that changed
 * $AIRLOCK_OUT beyond its build notes makes `early` run again on what it left, as it would have run after the tests.
 * A failed test step wins over a failure of `early` (the tests come first in the plan).
 */
export async function besideTests<T, E>(
  plan: Pick<BuildPlan, 'steps' | 'handoff'>, outDir: string, log: Log, tests: () => Promise<T>, early: () => Promise<E>,
): Promise<{ tested: T; early: E }> {
  const side = plan.steps.some((st) => st.phase === 'test') && (plan.handoff.artifacts ?? []).every((a) => a.fromRoot === 'out');
  if (!side) {
    const tested = await tests();
    return { tested, early: await early() };
  }
  const before = await installedTree(outDir);
  const [t, e] = await Promise.allSettled([tests(), early()]);
  if (t.status === 'rejected') throw t.reason;
  const { changed, deleted } = diffTrees(before, await installedTree(outDir));
  if (changed.length || deleted.length) {
    const paths = [...changed, ...deleted];
    log.info(`a test step changed $AIRLOCK_OUT (${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''}): the handoff, prod and dev are made again from what it left`);
    return { tested: t.value, early: await early() };
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

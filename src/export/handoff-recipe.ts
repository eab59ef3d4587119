// The handoff as a Dockerfile performs it: each artifact rule copied from the builder into a staging folder, what the
// rule leaves out removed again, the ELF artifacts stripped. Worked out from the build's own selection, so the staged
// tree is exactly the artifact list (the Dockerfile checks that with a digest of the list).
import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import type { Handoff } from '../pipeline/handoff.js';
import { SANDBOX_OUT, SANDBOX_SRC, type BuildPlan, type PlannedArtifact } from '../pipeline/plan.js';
import type { Workspace } from '../pipeline/workspace.js';
import { selectArtifacts, type ArtifactSpec } from '../variants/artifacts.js';

export interface StagedRule {
  /** The folder or file in the builder (absolute). */
  from: string;
  fromIsDir: boolean;
  /** Where it lands in the image, relative ('' = the root). */
  to: string;
  /** Image paths (relative) the rule copies but leaves out: excluded by the rule, or development and doc files. */
  drop: string[];
  /** Files that get the rule's mode. */
  chmod?: { mode: number; paths: string[] };
}

export interface HandoffRecipe {
  rules: StagedRule[];
  /** Image paths (relative) of the ELF artifacts prod strips. */
  strip: string[];
  /** Every artifact: image path (relative) and type, sorted bytewise. */
  files: { path: string; type: 'file' | 'symlink' }[];
  /** sha256 of the sorted list, one `./path` a line: what `find . ! -type d | LC_ALL=C sort` prints. */
  listDigest: string;
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const clean = (p: string) => p.replace(/^\/+/, '').replace(/\/+$/, '').replace(/^\.$/, '');

/** The default selection as one rule: everything installed, development and doc files then dropped. */
const INSTALLED: PlannedArtifact = { from: '.', fromRoot: 'out', to: '/' };

function spec(a: PlannedArtifact, withExcludes: boolean): ArtifactSpec {
  return {
    from: a.from, fromRoot: a.fromRoot, to: a.to, ...(a.mode !== undefined ? { mode: a.mode } : {}),
    ...(withExcludes && a.exclude ? { exclude: a.exclude.map((x) => new RegExp(x)) } : {}),
  };
}

/**
 * Works out the staged copy of the handoff from the plan's rules and what this build selected. `leftOut`: artifacts
 * prod drops after the handoff (bytecode of sliced-away standard-library modules).
 */
export async function handoffRecipe(
  plan: BuildPlan, handoff: Handoff, ws: Pick<Workspace, 'out' | 'src' | 'stripped'>, leftOut: ReadonlySet<string> = new Set(),
): Promise<HandoffRecipe> {
  const declared = plan.handoff.artifacts;
  const rules: StagedRule[] = [];
  const everythingOf: string[][] = [];
  for (const a of declared ?? [INSTALLED]) {
    const root = a.fromRoot === 'src' ? ws.src : ws.out;
    const everything = await selectArtifacts(ws.out, ws.src, [spec(a, false)]);
    const selected = declared ? await selectArtifacts(ws.out, ws.src, [spec(a, true)]) : handoff.artifacts;
    const kept = new Set(selected.map((f) => f.path).filter((p) => !leftOut.has(p)));
    const from = clean(a.from);
    const st = await lstat(join(root, from));
    everythingOf.push(everything.map((f) => f.path));
    const files = everything.filter((f) => f.type === 'file' && kept.has(f.path)).map((f) => f.path);
    rules.push({
      from: `${a.fromRoot === 'src' ? SANDBOX_SRC : SANDBOX_OUT}${from ? `/${from}` : ''}`,
      fromIsDir: st.isDirectory(), to: clean(a.to),
      drop: everything.map((f) => f.path).filter((p) => !kept.has(p)).sort(byteOrder),
      ...(a.mode !== undefined && files.length ? { chmod: { mode: a.mode, paths: files } } : {}),
    });
  }
  const prodFiles = handoff.prodFiles.filter((f) => !leftOut.has(f.path));
  const strip = prodFiles
    .filter((f) => f.hostPath.startsWith(`${ws.stripped}/`))
    .map((f) => f.path)
    .sort(byteOrder);
  const files = prodFiles
    .filter((f): f is typeof f & { type: 'file' | 'symlink' } => f.type !== 'dir')
    .map((f) => ({ path: f.path, type: f.type }))
    .sort((a, b) => byteOrder(a.path, b.path));
  checkStaging(rules, everythingOf, files.map((f) => f.path), declared !== null);
  return { rules, strip, files, listDigest: listDigest(files.map((f) => f.path)) };
}

/**
 * Replays the staging on path sets: a later rule that copies a path an earlier rule kept, and then leaves it out,
 * would lose it. Such a config cannot be staged with plain copies, so it is refused naming the rule.
 */
function checkStaging(rules: StagedRule[], everythingOf: string[][], expected: string[], declared: boolean): void {
  const staged = new Set<string>();
  rules.forEach((r, i) => {
    for (const p of everythingOf[i]!) staged.add(p);
    for (const p of r.drop) staged.delete(p);
  });
  const want = new Set(expected);
  const lost = expected.filter((p) => !staged.has(p));
  const extra = [...staged].filter((p) => !want.has(p));
  if (!lost.length && !extra.length) return;
  const some = [...lost, ...extra].slice(0, 3).join(', ');
  const message = `the handoff cannot be staged by copying the artifact rules in order: ${some}`;
  throw new AirlockError('usage', 'export-handoff', message, {
    location: declared ? 'artifacts' : 'build.steps',
    hint: 'make the artifact rules disjoint (no later rule excluding a path an earlier one keeps)',
  });
}

/** sha256 (hex) of `./path\n` lines in byte order. */
export function listDigest(paths: string[]): string {
  const lines = [...paths].sort(byteOrder).map((p) => `./${p}\n`).join('');
  return createHash('sha256').update(lines).digest('hex');
}

// The airlock itself: what crosses from the builder into prod. Declared artifacts, their ELF closure (stripped for
// prod), the entrypoint, and the runtime package set the closure needs.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AirlockError } from '../errors.js';
import { requestName, runtimeClosure } from '../debian/closure.js';
import { packageOwningPath } from '../debian/owner.js';
import type { Lock, LockedPackage } from '../debian/types.js';
import { parseElf } from '../gates/elf.js';
import { elfMachine } from '../image/platform.js';
import { BUILD_NOTES_DIR, selectArtifacts, type HandoffFile } from '../variants/artifacts.js';
import { elfClosure, type ClosureResult, type ElfLinkInfo } from '../variants/elf-closure.js';
import { defaultEntrypoint } from '../variants/handoff-entries.js';
import type { DefaultArtifact } from '../lang/pack.js';
import type { BuildPlan } from './plan.js';
import { stripInSandbox, type StepContext } from './run-steps.js';

export interface Handoff {
  /** What prod gets of the build: the declared artifacts, stripped when prod strips. */
  prodFiles: HandoffFile[];
  /** The artifacts as installed (unstripped). */
  artifacts: HandoffFile[];
  entrypoint: string[];
  /** Packages owning the shared libraries the artifacts (and a registry toolchain's node) need. */
  closurePackages: string[];
  /** Each library a file of the closure needs, and where it was found (what `airlock why` explains). */
  links: ClosureResult['links'];
  /** prod's Debian packages: the runtime requests and the closure's owners, closed within the lock. */
  prodPackages: LockedPackage[];
  /** The dependency pruning a step noted in $AIRLOCK_OUT/.airlock/pruned.json, when one did. */
  pruned?: { files: number; bytes: number };
}

/** The pruning note a step left (files and bytes removed), when it left a valid one. */
async function prunedNote(outDir: string): Promise<Handoff['pruned']> {
  const text = await readFile(join(outDir, BUILD_NOTES_DIR, 'pruned.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const note = JSON.parse(text) as { files?: unknown; bytes?: unknown };
  if (!Number.isSafeInteger(note.files) || !Number.isSafeInteger(note.bytes)) {
    const file = `$AIRLOCK_OUT/${BUILD_NOTES_DIR}/pruned.json`;
    throw new AirlockError('build', 'build-note-invalid', `${file} is not {"files": N, "bytes": N}: ${text.trim()}`);
  }
  return note.files ? { files: note.files as number, bytes: note.bytes as number } : undefined;
}

function artifactRules(plan: BuildPlan): DefaultArtifact[] | undefined {
  return plan.handoff.artifacts?.map((a) => ({
    from: a.from, fromRoot: a.fromRoot, to: a.to,
    ...(a.mode !== undefined ? { mode: a.mode } : {}),
    ...(a.exclude ? { exclude: a.exclude.map((x) => new RegExp(x)) } : {}),
  }));
}

/** Strips copies of the ELF artifacts (the installed tree stays unstripped for dev and test). */
async function stripped(files: HandoffFile[], elfPaths: string[], ctx: StepContext, dir: string): Promise<HandoffFile[]> {
  const elf = new Set(elfPaths);
  const out: HandoffFile[] = [];
  for (const f of files) {
    if (f.type !== 'file' || !elf.has(f.path)) { out.push(f); continue; }
    const dest = join(dir, f.path);
    await mkdir(dirname(dest), { recursive: true });
    await copyFile(f.hostPath, dest);
    out.push({ ...f, hostPath: dest });
  }
  await stripInSandbox(ctx, dir, elfPaths);
  return out;
}

/** Selects, closes and strips what crosses into prod. */
export async function handOff(plan: BuildPlan, lock: Lock, ctx: StepContext, opts: {
  strippedDir: string; rootfsDir: string; extraProdFiles: HandoffFile[];
}): Promise<Handoff> {
  const artifacts = await selectArtifacts(ctx.outDir, ctx.srcDir, artifactRules(plan));
  if (artifacts.length === 0) {
    throw new AirlockError('build', 'no-artifacts', 'the build installed nothing into $AIRLOCK_OUT and no artifacts are declared', {
      hint: 'install into $AIRLOCK_OUT (make install DESTDIR="$AIRLOCK_OUT") or declare artifacts',
    });
  }
  // The npm-registry node binary joins the closure (its libstdc++/libgcc/libc come from Debian) but stays unstripped:
  // its bytes are the ones the lock's integrity names.
  const closure = await elfClosure([...artifacts, ...opts.extraProdFiles], opts.rootfsDir, lock.architecture, {
    parseElf, owner: async (p) => packageOwningPath(opts.rootfsDir, p), artifact: crossBuiltCheck(plan),
  });
  const elfArtifacts = closure.elfArtifacts.filter((a) => artifacts.some((f) => f.path === a));
  const prodFiles = plan.handoff.strip && elfArtifacts.length ? await stripped(artifacts, elfArtifacts, ctx, opts.strippedDir) : artifacts;
  const entrypoint = chooseEntrypoint(plan, artifacts);
  // Runtime set: today's rules from the requests, not the lock's runtime set (an older lock cannot keep extra packages).
  const roots = [...new Set([...plan.runtime.map(requestName), ...closure.packages])];
  const pruned = await prunedNote(ctx.outDir);
  return {
    prodFiles, artifacts, entrypoint, closurePackages: closure.packages, links: closure.links,
    prodPackages: runtimeClosure(lock.sets.builder, roots), ...(pruned ? { pruned } : {}),
  };
}

/**
 * In a cross build, refuses an artifact that is a program of the build machine (a step compiled with the host's own
 * compiler); checked as the closure parses it, before its libraries are looked for in the target's builder.
 */
function crossBuiltCheck(plan: BuildPlan): ((path: string, info: ElfLinkInfo) => void) | undefined {
  const host = elfMachine(plan.execution.host);
  if (plan.execution.mode !== 'cross' || !host || host === elfMachine(plan.image.architecture)) return undefined;
  return (path, info) => {
    if (info.machineName !== host) return;
    const vars = Object.keys(plan.env).filter((k) => /^(CC|CXX|GOARCH)$/.test(k)).join(', ');
    throw new AirlockError('build', 'cross-built-for-host', `the cross build for ${plan.image.architecture} made ${host} programs: ${path}`, {
      hint: `a step does not use the cross compiler the environment names (${vars || 'see the plan'}): use $CC/$CXX rather than a fixed compiler, or set build.cross: false to build on the ${plan.image.architecture} builder under qemu-user`,
    });
  };
}

function chooseEntrypoint(plan: BuildPlan, artifacts: HandoffFile[]): string[] {
  if (plan.handoff.entrypoint) return plan.handoff.entrypoint;
  const ep = defaultEntrypoint(artifacts);
  if (ep.entrypoint) return ep.entrypoint;
  const several = ep.candidates.length > 0;
  throw new AirlockError('usage', several ? 'entrypoint-ambiguous' : 'entrypoint-missing',
    several ? `several executables could be the entrypoint: ${ep.candidates.join(', ')}`
      : 'no executable was installed under a bin/ or sbin/ directory to serve as the entrypoint',
    { location: 'runtime.entrypoint', hint: 'set runtime.entrypoint in the config' });
}

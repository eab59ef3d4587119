// The trace stage: records why each file is in each variant (why.json), while the builder root and the work tree
// are still at hand. Reads the builder's dpkg file lists, the artifacts' ELF headers and the install root.
import { open, readFile, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { canonicalPath, packageOwningPath } from '../debian/owner.js';
import { parseElf } from '../gates/elf.js';
import { missingHardening } from '../gates/checks/elf-hardening.js';
import { entriesFromDir } from '../sinks/dir-source.js';
import { isBuildNote, type HandoffFile } from '../variants/artifacts.js';
import { prodBaseEntries } from '../variants/base-files.js';
import { CA_BUNDLE_PATH } from '../debian/ca-bundle.js';
import type { ArtifactHardening, NeededLink, WhyRecord } from '../why/record.js';
import { traceBuild, traceFiles, type TraceInput } from '../why/trace.js';
import { renderWhyFiles } from '../why/record.js';
import { prepareMakeup } from '../why/makeup.js';
import type { Handoff } from './handoff.js';
import type { SlicingSummary } from './slicing-summary.js';
import type { IcuReplacement } from '../variants/icu-replace.js';
import { replacementHow } from './replaced-files.js';
import type { PlannedBuild } from './plan-stage.js';
import type { Variants } from './result.js';
import type { UpstreamToolchain } from './upstream-step.js';
import type { Workspace } from './workspace.js';

/** Hardening facts of an ELF file, or undefined when it is not an executable or shared object. */
export function hardeningOf(bytes: Uint8Array): ArtifactHardening | undefined {
  const info = parseElf(bytes);
  if (!info || (info.type !== 'exec' && info.type !== 'dyn')) return undefined;
  const { missing, unproven, cet } = missingHardening(info);
  const guardNeeded = info.imports.length > 0;
  const stackProtector = info.stackProtector
    ? 'yes'
    : unproven.includes('stack protector')
      ? 'unproven'
      : !guardNeeded
        ? 'not needed'
        : missing.some((m) => m.startsWith('stack protector'))
          ? 'no'
          : 'yes';
  const fortifiable = info.fortify.fortified.length + info.fortify.unfortified.length > 0;
  return {
    pie: info.pie,
    relro: info.relro,
    bindNow: info.bindNow,
    nxStack: info.nxStack,
    stackProtector,
    fortify: info.fortify.fortified.length > 0 ? 'yes' : fortifiable ? 'no' : 'not needed',
    cet: !cet && info.cet.ibt && info.cet.shstk,
    stripped: info.stripped,
    missing,
  };
}

/** Whether a file starts with the ELF magic (only those are read whole: node_modules may hold thousands of files). */
async function startsWithElfMagic(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return bytesRead === 4 && head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    await fh.close();
  }
}

/** Where an artifact came from, as a user reads it: $AIRLOCK_OUT/… or /src/…. */
function fromOf(f: HandoffFile, ws: Workspace): string {
  const under = (root: string) => (f.hostPath.startsWith(root + sep) ? relative(root, f.hostPath) : undefined);
  const out = under(ws.out);
  if (out !== undefined) return `$AIRLOCK_OUT/${out}`;
  const src = under(ws.src);
  return src !== undefined ? `/src/${src}` : `/${f.path}`;
}

/** The file a library path resolves to inside the builder root (symlinks followed there, never on the host). */
export async function resolvedIn(rootfs: string, path: string): Promise<string> {
  const todo = path.split('/').filter(Boolean);
  const done: string[] = [];
  for (let hops = 0; todo.length && hops < 64; hops++) {
    const part = todo.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const target = await readlink(join(rootfs, ...done, part)).catch(() => undefined);
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (target.startsWith('/')) done.length = 0;
    todo.unshift(...target.split('/').filter(Boolean));
  }
  return canonicalPath([...done, ...todo].join('/'));
}

/** What the trace knows before it sees the variants' layers (all but prod's replaced files come from the handoff). */
export type TraceFacts = Omit<TraceInput, 'layers' | 'slicing'>;

/**
 * Reads what the trace needs besides the layers: the artifacts' ELF headers, the install root, the library links the
 * handoff followed (resolved in the builder root). Done once, before the tests end, for every variant.
 */
export async function prepareTrace(
  planned: PlannedBuild,
  handoff: Handoff,
  opts: { ws: Workspace; rootfsDir: string; upstream: UpstreamToolchain | undefined; replaced: readonly IcuReplacement[] },
): Promise<TraceFacts> {
  const { ws, rootfsDir, upstream } = opts;
  const { config, lock, requests } = planned;
  const needed: NeededLink[] = [];
  for (const l of handoff.links) {
    const file = l.package ? await resolvedIn(rootfsDir, l.foundAt) : canonicalPath(l.foundAt);
    const by = canonicalPath(l.by);
    needed.push({
      by,
      library: l.library,
      foundAt: canonicalPath(l.foundAt),
      file,
      ...(l.package ? { package: l.package } : {}),
    });
  }
  const unstripped = new Map(handoff.artifacts.map((f) => [f.path, f]));
  const artifacts: WhyRecord['artifacts'] = [];
  for (const f of handoff.prodFiles.filter((x) => x.type === 'file')) {
    const hardening = (await startsWithElfMagic(f.hostPath))
      ? hardeningOf(new Uint8Array(await readFile(f.hostPath)))
      : undefined;
    artifacts.push({
      path: f.path,
      from: fromOf(unstripped.get(f.path) ?? f, ws),
      ...(hardening ? { hardening } : {}),
    });
  }
  const installed = (await entriesFromDir(ws.out, { special: 'skip' })).filter((e) => !isBuildNote(e.path));
  const made = new Set([...prodBaseEntries().map((e) => e.path), CA_BUNDLE_PATH]);
  const devMade = new Set(['etc/passwd', 'etc/group', 'home/dev']);
  return {
    name: config.name,
    tag: config.tag,
    owner: (p) => packageOwningPath(rootfsDir, p),
    prodPackages: handoff.prodPackages,
    builderPackages: lock.sets.builder,
    runtimeRequests: requests.runtime,
    builderRequests: requests.builder,
    needed,
    artifacts,
    installed: new Set(installed.map((e) => e.path)),
    toolchain: new Set([
      ...(upstream?.fullEntries ?? []).map((e) => e.path),
      ...(upstream?.prodFiles ?? []).map((f) => f.path),
    ]),
    made: { prod: made, dev: devMade, test: new Set() },
    source: {
      prod: config.variants.prod.includeSource,
      dev: config.variants.dev.includeSource,
      test: config.variants.test.includeSource || config.variants.test.includeTests,
    },
    prodHasBuildTools: config.variants.prod.includeBuildTools,
    replaced: Object.fromEntries(opts.replaced.map((r) => [r.path, { package: r.package, how: replacementHow(r) }])),
  };
}

/**
 * The files of the variants given, traced as soon as they are assembled (prod's and dev's while the tests run), their
 * why.json text and the report page's makeup worked out too: `traceStage` then adds test's.
 */
export function traceEarly(facts: TraceFacts, variants: Partial<Variants>): Partial<WhyRecord['files']> {
  const files: Partial<WhyRecord['files']> = {};
  for (const v of ['dev', 'prod', 'test'] as const) {
    const a = variants[v];
    if (!a) continue;
    files[v] = traceFiles(facts, v, a.layers);
    renderWhyFiles(files[v]);
  }
  // The report page's makeup of dev and prod too.
  if (files.dev && files.prod) prepareMakeup(files.dev, files.prod);
  return files;
}

/** The why record of a build (written as why.json beside report.json), from `prepareTrace`'s facts and the early files. */
export function traceStage(
  facts: TraceFacts, variants: Variants, early: Partial<WhyRecord['files']>, slicing: SlicingSummary | undefined,
): WhyRecord {
  return traceBuild({
    ...facts,
    layers: { dev: variants.dev.layers, prod: variants.prod.layers, test: variants.test.layers },
    ...(slicing ? { slicing: { keptBy: slicing.keptBy, leftOut: slicing.leftOut } } : {}),
  }, early);
}

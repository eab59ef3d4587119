// Writes a build's outputs: one OCI layout with every tag, a docker-archive per variant, evidence, report.json.
import { link, mkdir, rename, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { writeLayout } from '../sinks/oci-layout.js';
import { writeDockerArchive } from '../sinks/docker-archive.js';
import { settleAll, writeFileAtomic } from '../files/atomic.js';
import { recoverOutputs } from './output-folder.js';
import { testKillPoint } from '../files/kill-point.js';
import { writeEvidence } from '../evidence/write-evidence.js';
import { vexJson } from '../evidence/vex.js';
import { signWithEvidence } from '../evidence/sign-image.js';
import { layoutImageStore } from '../sinks/layout-store.js';
import type { Finding } from '../evidence/scan-report.js';
import type { EvidencePackage, GateRecord, UpstreamComponent } from '../evidence/input.js';
import type { LockedUpstream } from '../upstream/types.js';
import { inventory } from '../report/inventory.js';
import { reduction, reportJson, type BuildReport, type GateSummary, type VariantName } from '../report/report.js';
import type { BuildResult } from './result.js';
import type { AssembledVariant } from '../variants/assemble.js';
import { BUILD_RECORD, buildRecord, priorOutputs, type PriorOutputs } from './build-record.js';
import { hexOf } from '../image/digest.js';
import { canonicalJson } from '../image/json.js';
import { OUTPUT_MARKER, OUTPUT_MARKER_TEXT } from './workspace.js';
import { whyJsonBytes } from '../why/record.js';
import { WHY_JSON, writeReportHtml } from './report-page.js';
import { slicedEvidencePackages, slicingReport } from './slicing-summary.js';
import { icuReports, madeArtifacts, withReplacedFiles } from './replaced-files.js';

const VARIANTS: VariantName[] = ['dev', 'prod', 'test'];

import { archiveName } from './archive-name.js';
export { archiveName };

type Layers = { path: string; type: string }[][];
/** Each variant's file count and inventory, by its layers (a build works out prod's and dev's while the tests run). */
const counted = new WeakMap<Layers, { files: number } & ReturnType<typeof inventory>>();

/**
 * The number of files (not directories) an image's layers leave visible, and report.json's inventory of them; from
 * the variant's why.json files map when the build traced it (the same paths: every visible file but directories).
 */
export function countFiles(layers: Layers, traced?: Record<string, unknown>): { files: number } & ReturnType<typeof inventory> {
  let c = counted.get(layers);
  if (!c) {
    let paths: string[];
    if (traced) paths = Object.keys(traced);
    else {
      const visible = new Map<string, string>();
      for (const l of layers) for (const e of l) visible.set(e.path, e.type);
      paths = [...visible].filter(([, t]) => t !== 'dir').map(([p]) => p);
    }
    c = { files: paths.length, ...inventory(paths) };
    counted.set(layers, c);
  }
  return c;
}

/**
 * The output folder in the making, beside `outDir`: the OCI layout and the docker-archives (nearly all of the bytes)
 * are written from each variant's image as soon as it is final (prod and dev while the test steps still run), while
 * the build still works out the gates, the trace and the evidence, which do not change an image.
 * `writeOutputsAtomically` adds the rest and swaps the folder in; `discard` removes it when the build fails before
 * that. Call under `withOutputLock`.
 */
export interface OutputDraft {
  dir: string;
  prior?: PriorOutputs;
  /** Starts writing the layout entries and the docker-archive of each variant given (its image is final). */
  add(variants: Partial<Record<VariantName, AssembledVariant>>): void;
  /** Settles when everything added is written (the first failure, after every writer settled). */
  images(): Promise<void>;
  discard(): Promise<void>;
}

/** Starts an output folder beside `outDir`; `add` writes images into it. */
export async function startOutputs(
  outDir: string, r: Pick<BuildResult, 'config' | 'epoch'>, opts: { builderVersion: string; noCache?: boolean },
): Promise<OutputDraft> {
  await mkdir(dirname(outDir), { recursive: true });
  await recoverOutputs(outDir);
  const dir = join(dirname(outDir), `.${basename(outDir)}.tmp-${process.pid}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
  // Blobs and archives the previous outputs hold unchanged are linked into the new folder, not written again
  // (--no-cache writes every one).
  const prior = opts.noCache ? undefined : await priorOutputs(outDir);
  const writes: Promise<void>[] = [];
  // Layout writes one after another: dev's and test's share the builder layer, written once (the second finds it).
  let layout: Promise<void> = Promise.resolve();
  const settled = async () => {
    // A writer added while others settle is waited for too.
    for (let n = -1; n !== writes.length;) { n = writes.length; await Promise.allSettled(writes); }
    return Promise.allSettled(writes);
  };
  return {
    dir, ...(prior ? { prior } : {}),
    add(variants) {
      const io = { builderVersion: opts.builderVersion, ...(prior ? { prior } : {}), after: layout };
      const w = writeImages({ ...r, variants }, dir, io);
      layout = w.layout;
      w.done.catch(() => { /* awaited by images() or discard() */ });
      writes.push(w.done);
    },
    images() {
      // One promise, handled at once: a writer failing before the caller awaits it is not an unhandled rejection.
      const all = settled().then((s) => {
        const failed = s.find((x): x is PromiseRejectedResult => x.status === 'rejected');
        if (failed) throw failed.reason;
      });
      all.catch(() => { /* the caller awaits it */ });
      return all;
    },
    discard: async () => { await settled(); await rm(dir, { recursive: true, force: true }); },
  };
}

/**
 * Writes the rest of the outputs into the draft's folder (its layout and archives are being written), then swaps it
 * in: a failure or a kill part-way leaves the previous outputs untouched (a kill between the two
 * renames: `recoverOutputs` puts them back) and no half-written folder in `outDir`. Call under `withOutputLock`.
 */
export async function writeOutputsAtomically(
  r: BuildResult, outDir: string,
  opts: Omit<Parameters<typeof writeOutputs>[2], 'prior' | 'images'> & { buildKey: string; draft: OutputDraft },
): Promise<BuildReport> {
  const { draft } = opts;
  const old = join(dirname(outDir), `.${basename(outDir)}.old-${process.pid}`);
  try {
    const report = await writeOutputs(r, draft.dir, { ...opts, ...(draft.prior ? { prior: draft.prior } : {}), images: draft.images() });
    testKillPoint('outputs-written');
    await rename(outDir, old).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
    testKillPoint('outputs-between-renames');
    await rename(draft.dir, outDir);
    await rm(old, { recursive: true, force: true });
    testKillPoint('outputs-swapped');
    // Last: the record that lets a no-change rebuild keep these outputs (stamps of every file as it now is; taken
    // after the old folder is gone, since unlinking a file's other name changes its ctime). Killed before this, the
    // outputs are complete but not reusable: the next build makes them again.
    await writeFileAtomic(join(outDir, BUILD_RECORD), await buildRecord(outDir, opts.buildKey, archiveRecipes(r, opts.builderVersion)));
    return report;
  } catch (e) {
    await draft.discard();
    throw e;
  }
}

/** What the layout and the archives of some variants are made of. */
type ImageOutputs = Pick<BuildResult, 'config' | 'epoch'> & { variants: Partial<Record<VariantName, AssembledVariant>> };

/**
 * The layout entries (prod's also under the plain tag) and the docker-archive of each variant given. Layer blobs and
 * archives the earlier outputs hold intact are linked; the rest are written side by side (they are disk-bound, and
 * read the same blobs). The layout write starts after `after` (the previous one) settles; `layout` settles with it.
 */
function writeImages(r: ImageOutputs, outDir: string, opts: { builderVersion: string; prior?: PriorOutputs; after: Promise<void> }): { layout: Promise<void>; done: Promise<void> } {
  const { config } = r;
  const tag = config.tag;
  const given = VARIANTS.filter((v) => r.variants[v]);
  // Layers are content-addressed: one the earlier layout holds intact is the same bytes (the layout skips it).
  const layers = new Set(given.flatMap((v) => r.variants[v]!.image.layers.map((l) => hexOf(l.digest))));
  const linked = (async () => { for (const hex of layers) await linkPrior(opts.prior, outDir, `oci/blobs/sha256/${hex}`); })();
  const archive = async (v: VariantName) => {
    const rel = archiveName(config.name, v);
    const image = r.variants[v]!.image;
    if (await linkPrior(opts.prior, outDir, rel, archiveRecipe(r, v, image.digest, opts.builderVersion))) return;
    await writeDockerArchive(join(outDir, rel), image, { repoTags: repoTags(r, v), epoch: r.epoch.seconds });
  };
  const tagged = given.flatMap((v) => {
    const image = r.variants[v]!.image;
    return [{ tag: `${tag}-${v}`, image }, ...(v === 'prod' ? [{ tag, image }] : [])];
  });
  // After the earlier layout write settled, whatever its outcome (its failure is reported by its own writer).
  const layout = Promise.allSettled([opts.after, linked]).then(() => linked).then(() => writeLayout(join(outDir, 'oci'), tagged));
  // Every writer settles before this does: a failed one must not leave the others writing into a folder being removed.
  const done = settleAll<unknown>([layout, ...given.map(archive)]).then(() => undefined);
  return { layout: layout.then(() => undefined, () => undefined), done };
}

/** The names `docker load` gives each variant's archive. */
function repoTags(r: Pick<BuildResult, 'config'>, v: VariantName): string[] {
  const { name, tag } = r.config;
  return [`${name}:${tag}-${v}`, ...(v === 'prod' ? [`${name}:${tag}`] : [])];
}

/** What a docker-archive's bytes are a function of. */
function archiveRecipe(r: Pick<BuildResult, 'config' | 'epoch'>, v: VariantName, image: string, builderVersion: string): string {
  const recipe = { builderVersion, image, repoTags: repoTags(r, v), epoch: r.epoch.seconds };
  return createHash('sha256').update(canonicalJson(recipe)).digest('hex');
}

/** Each docker-archive's recipe, by its path in the output folder. */
function archiveRecipes(r: Pick<BuildResult, 'config' | 'epoch' | 'variants'>, builderVersion: string): Record<string, string> {
  return Object.fromEntries(VARIANTS.map((v) => [archiveName(r.config.name, v), archiveRecipe(r, v, r.variants[v].image.digest, builderVersion)]));
}

/** Links `rel` from the earlier outputs into `outDir` when it is there unchanged; false when it must be written. */
async function linkPrior(prior: PriorOutputs | undefined, outDir: string, rel: string, recipe?: string): Promise<boolean> {
  const from = await prior?.intact(rel, recipe);
  if (!from) return false;
  await mkdir(dirname(join(outDir, rel)), { recursive: true });
  return link(from, join(outDir, rel)).then(() => true, () => false);
}

/** The gate verdict the provenance records (what `airlock policy check` reads back). */
function gateRecord(g: GateSummary): GateRecord {
  const count = (severity: string) => g.findings.filter((f) => f.severity === severity).length;
  const verdict = g.passed ? 'passed' : 'failed';
  return { result: g.skipped ? 'skipped' : verdict, errors: count('error'), warnings: count('warning') };
}

/** Writes the evidence, the report and the pages into `outDir`, beside the images being written, and returns the report. */
async function writeOutputs(r: BuildResult, outDir: string, opts: {
  gates?: Record<VariantName, GateSummary>; key?: KeyObject; builderVersion: string; vexFindings?: Finding[]; prior?: PriorOutputs;
  /** The layout and archives being written into `outDir` (`startOutputs`). */
  images: Promise<void>;
}): Promise<BuildReport> {
  const { config } = r;
  const { images } = opts;
  await mkdir(outDir, { recursive: true });
  const ociDir = join(outDir, 'oci');
  const tag = config.tag;

  // Evidence: the prod and test/dev package sets are what their images' dpkg databases say.
  const builderPkgs = r.lock.sets.builder;
  // A sliced prod's SBOMs list the files each package kept.
  // A package a file of which airlock replaced lists the others (sliced or not).
  const replaced = r.replaced ?? [];
  const prodPkgs: EvidencePackage[] = withReplacedFiles(slicedEvidencePackages(r.prodPackages, r.slicing), replaced);
  const pkgsOf: Record<VariantName, EvidencePackage[]> = { dev: builderPkgs, test: builderPkgs, prod: prodPkgs };
  // Toolchain packages from the npm registry: node is in every variant, npm in dev and test only.
  const component = (u: LockedUpstream): UpstreamComponent => ({
    ecosystem: 'npm', name: u.name, version: u.version, integrity: u.integrity, ...(u.license ? { license: u.license } : {}),
    path: u.role === 'node' ? 'usr/local/bin/node' : 'usr/local/lib/node_modules/npm',
  });
  const builderUpstream = r.upstream.map(component);
  // prod holds the whole toolchain (npm too) when it is asked to include the build tools.
  const prodUpstream = config.variants.prod.includeBuildTools ? builderUpstream : r.upstream.filter((u) => u.role === 'node').map(component);
  const upstreamOf: Record<VariantName, UpstreamComponent[]> = { dev: builderUpstream, test: builderUpstream, prod: prodUpstream };
  // The variants' evidence written side by side (each file waits on its own sync) while report.json and why.json are
  // made; report.html reads it once it is written.
  const evidence = settleAll<unknown>([...VARIANTS.map((v) => writeEvidence(outDir, {
      upstream: upstreamOf[v], builderUpstream,
      name: config.name, tag, variant: v, imageDigest: r.variants[v].image.digest, configDigest: r.variants[v].image.configDigest,
      epoch: r.epoch.seconds, distro: `debian-${r.lock.osVersion}`, packages: pkgsOf[v], builderPackages: builderPkgs,
      artifacts: v === 'prod' ? [...r.artifacts, ...madeArtifacts(replaced)] : [], builder: { id: 'https://airlock.dev/builder', version: opts.builderVersion },
      config, sourceDigest: r.sourceDigest, builderRootfsDigest: r.rootfsDigest,
      ...(r.stepsBuilder ? { crossBuilder: { packages: r.stepsBuilder.lock.sets.builder, rootfsDigest: r.stepsBuilder.rootfsDigest } } : {}),
      ...(opts.gates ? { gates: gateRecord(opts.gates[v]) } : {}), tests: r.tests,
    }, opts.key ? { key: opts.key } : {})),
  ...(opts.vexFindings ? [writeFileAtomic(join(outDir, 'evidence', 'prod.vex.json'), vexJson({
    findings: opts.vexFindings, image: { name: config.name, digest: r.variants.prod.image.digest },
    prodPackages: r.prodPackages, epoch: r.epoch.seconds, distro: `debian-${r.lock.osVersion}`,
  }))] : [])]);

  const variants = {} as BuildReport['variants'];
  for (const v of VARIANTS) {
    const a = r.variants[v];
    const { files, ...inv } = countFiles(a.layers, r.trace?.files[v]);
    variants[v] = {
      ref: `${config.name}:${tag}-${v}`, digest: a.image.digest,
      compressedSize: a.image.layers.reduce((n, l) => n + l.size, 0) + a.image.configBytes.length + a.image.manifestBytes.length,
      uncompressedSize: a.image.layers.reduce((n, l) => n + (l.uncompressedSize ?? 0), 0),
      files, user: a.user, packages: pkgsOf[v].length, ...inv, buildSeconds: r.timings.prepare + r.timings[v],
      ...(opts.gates ? { gates: opts.gates[v] } : {}),
    };
  }
  const report: BuildReport = {
    name: config.name, tag, epoch: r.epoch, variants,
    aliases: { [`${config.name}:${tag}`]: r.variants.prod.image.digest },
    reduction: reduction(variants.dev.compressedSize, variants.prod.compressedSize),
    artifacts: r.artifacts, closurePackages: r.closurePackages,
    ...(r.upstream.length ? { upstream: r.upstream.map((u) => ({ role: u.role, name: u.name, version: u.version, integrity: u.integrity })) } : {}),
    outputs: { oci: 'oci', archives: { dev: archiveName(config.name, 'dev'), prod: archiveName(config.name, 'prod'), test: archiveName(config.name, 'test') }, evidence: 'evidence' },
    warnings: r.warnings,
    tests: r.tests,
    steps: r.steps,
    ...(r.slicing ? { slicing: slicingReport(r.slicing) } : {}),
    ...(replaced.length ? { icu: icuReports(replaced) } : {}),
    ...(r.pruned ? { pruned: r.pruned } : {}),
    stages: r.stages,
    ...(r.execution.mode !== 'native' ? { execution: { mode: r.execution.mode, host: r.execution.host, why: r.execution.why } } : {}),
  };
  // report.json, why.json (what `airlock why` reads) and report.html (made from the evidence written above).
  // Every write settles before a failure is thrown (nothing is left writing into a folder about to be removed).
  await settleAll<unknown>([
    evidence,
    writeFileAtomic(join(outDir, 'report.json'), reportJson(report)),
    ...(r.trace ? [writeFileAtomic(join(outDir, WHY_JSON), whyJsonBytes(r.trace))] : []),
    evidence.then(() => writeReportHtml(outDir, undefined, { report, ...(r.trace ? { why: r.trace } : {}) })),
  ]);
  // The report and the pages were made while the images were still being written (they need only what the build
  // holds in memory); signing reads the layout.
  await images;
  // With a key, each variant is also signed inside the layout the way cosign stores it (.sig and .att tags).
  if (opts.key) {
    for (const v of VARIANTS) {
      const store = await layoutImageStore(ociDir, { reference: `${tag}-${v}`, repository: config.name });
      await signWithEvidence(store, opts.key, join(outDir, 'evidence'));
    }
  }
  return report;
}


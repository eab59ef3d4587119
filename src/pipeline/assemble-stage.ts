// The assemble stage: dev, prod and test images from the builder, the handoff and the runtime packages.
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Log } from '../log.js';
import { readOsRelease } from '../debian/runtime.js';
import { AirlockError } from '../errors.js';
import { runtimeLayer, type RuntimeLayer } from '../variants/runtime-layer.js';
import { sliceRuntime, type SliceResult, type SliceRoot } from '../variants/slice.js';
import { slicingSummary, type SlicingSummary } from './slicing-summary.js';
import { elfSymbolData, parseElf } from '../gates/elf.js';
import { replaceIcuData, withoutReplaced, type IcuReplacement } from '../variants/icu-replace.js';
import { keptIcuLibraries } from '../variants/icu-kept.js';
import type { Config } from '../config/types.js';
import type { BuilderRootfs } from '../debian/rootfs.js';
import { fsBlobStore } from '../sinks/blob-store.js';
import { hashFile } from '../files/file-hash.js';
import { entriesFromDir } from '../sinks/dir-source.js';
import { isBuildNote, type HandoffFile } from '../variants/artifacts.js';
import { handoffEntries } from '../variants/handoff-entries.js';
import { assembleDev, assembleProd, assembleTest, prepareBuilderLayer, type AssembledVariant, type AssembleInput } from '../variants/assemble.js';
import type { Handoff } from './handoff.js';
import type { PlannedBuild } from './plan-stage.js';
import type { Variants } from './result.js';
import { SANDBOX_SRC } from './plan.js';
import type { UpstreamToolchain } from './upstream-step.js';
import type { Workspace } from './workspace.js';
import { entryBytes, type FileEntry } from '../image/entry.js';
import { configEntries, loadAppConfig } from './app-config.js';

export interface Assembled {
  variants: Variants;
  timings: Record<'dev' | 'prod' | 'test', number>;
  /** Paths that come from Debian packages or the registry toolchain, per variant: not built here, not ours to harden. */
  packagedPaths: Record<'dev' | 'prod' | 'test', ReadonlySet<string>>;
  /** Artifacts prod left out after the handoff: bytecode of standard-library modules slicing removed. */
  leftOutArtifacts: string[];
  /** What slicing kept and removed of prod's runtime packages (absent with `slicing: off`). */
  slicing?: SlicingSummary;
  /** Files airlock made in place of a package's (`variants.prod.icu`: the trimmed ICU data). */
  replaced: IcuReplacement[];
  /** sha256 and size of each file prod got from the build. */
  artifactDigests(): Promise<{ path: string; sha256: string; size: number }[]>;
}

/** Everything installed under the install root (dev and test get all of it, headers included). */
async function allInstalled(outDir: string): Promise<HandoffFile[]> {
  const entries = (await entriesFromDir(outDir, { special: 'skip' })).filter((e) => !isBuildNote(e.path));
  return entries.map((e) => ({
    hostPath: join(outDir, e.path), path: e.path, type: e.type === 'dir' ? 'dir' : e.type === 'symlink' ? 'symlink' : 'file',
    mode: e.mode, ...(e.linkname ? { linkname: e.linkname } : {}),
  }));
}

/** prod's runtime packages sliced to what the artifacts, the entrypoint and the declared packages need. */
async function sliceProd(runtime: RuntimeLayer, prodFiles: FileEntry[], opts: { config: Config; entrypoint: string[] | undefined; log: Log }): Promise<SliceResult> {
  const { config, log } = opts;
  const roots: SliceRoot[] = [];
  for (const e of prodFiles) {
    if (e.type === 'dir') continue;
    roots.push({ path: e.path, type: e.type, ...(e.linkname !== undefined ? { linkname: e.linkname } : {}), ...(e.type === 'file' && e.open ? { bytes: await entryBytes(e) } : {}) });
  }
  const r = await sliceRuntime({
    entries: runtime.entries, owners: runtime.owners, whole: new Set(config.packages.map((p) => p.name)), roots,
    ...(opts.entrypoint ? { entrypoint: opts.entrypoint } : {}), keep: config.slicing.keep, architecture: config.debian.architecture,
    parseElf: (b) => parseElf(b), fileDigests: (path, data) => runtime.digests.of(path, data),
    fileFacts: (path, kind, bytes) => runtime.facts.of(path, kind, bytes),
  });
  for (const g of r.unmatchedKeep) log.warn(`variants.prod.keep: ${g} matches no file of the runtime packages (${r.packages.map((p) => p.name).join(', ')})`);
  for (const w of r.warnings) log.warn(`slicing: ${w}`);
  const removed = r.packages.reduce((n, p) => n + p.removedBytes, 0);
  const sliced = r.packages.filter((p) => !p.whole && p.removed.length > 0).length;
  log.info(`slicing: ${sliced} runtime package(s) sliced, ${r.packages.reduce((n, p) => n + p.removed.length, 0)} files (${(removed / 1e6).toFixed(1)} MB) left out`);
  return r;
}

/** `variants.prod.icu`: prod's ICU data trimmed (undefined when not asked for, or when prod is the builder). */
async function trimIcu(entries: FileEntry[], runtime: RuntimeLayer, config: Config, opts: { log: Log; cache: string; identity: string; noCache: boolean }) {
  const { log } = opts;
  if (!config.icu || config.variants.prod.includeBuildTools) return undefined;
  const made = keptIcuLibraries(opts.cache, opts.identity, config.icu, opts.noCache);
  const r = await replaceIcuData({
    entries, owners: runtime.owners, settings: config.icu, symbolData: elfSymbolData, fileDigests: (path, data) => runtime.digests.of(path, data),
    ...(made ? { made } : {}),
  });
  if (r.replacements.length === 0) {
    log.warn('variants.prod.icu: prod holds no ICU data (libicudata.so of a libicu package): nothing to trim');
  }
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  for (const x of r.replacements) {
    const items = `${x.keptItems} of ${x.keptItems + x.removedItems} items of ${x.package}'s ICU data`;
    log.info(`icu: /${x.path} made by airlock: ${items} (${mb(x.original.size)} → ${mb(x.made.size)})`);
  }
  return r;
}

interface AssembleOptions {
  ws: Workspace; rootfs: BuilderRootfs; upstream: UpstreamToolchain | undefined; cache: string; log: Log; noCache: boolean;
}

/** The three variants, one after another. */
export async function assembleVariants(planned: PlannedBuild, handoff: Handoff, opts: AssembleOptions): Promise<Assembled> {
  return (await assembleBeforeTests(planned, handoff, opts)).withTest();
}

/** prod and dev, made from what the build steps left: neither holds anything the test steps write. */
export interface BeforeTests {
  prod: AssembledVariant;
  dev: AssembledVariant;
  packagedPaths: Assembled['packagedPaths'];
  /** Files airlock made in place of a package's in prod (`variants.prod.icu`). */
  replaced: IcuReplacement[];
  /** test (the built work tree as the test steps left it), then everything the assemble stage hands on. */
  withTest(): Promise<Assembled>;
}

/**
 * What assembly can start before the steps end: the builder layer (dev and test; prod with include_build_tools)
 * needs only the builder rootfs. A cold build deflates it while the steps run.
 */
export function prepareAssembly(planned: Pick<PlannedBuild, 'plan'>, rootfs: BuilderRootfs, opts: Pick<AssembleOptions, 'cache' | 'noCache'>): void {
  prepareBuilderLayer({
    cacheDir: opts.cache, store: fsBlobStore(join(opts.cache, 'blobs')), rootfsDir: rootfs.dir, rootfsKey: rootfs.key,
    epoch: planned.plan.epoch.seconds, noCache: opts.noCache,
  });
}

/** prod and dev now; test when `withTest` is called (after the test steps). */
export async function assembleBeforeTests(planned: PlannedBuild, handoff: Handoff, opts: AssembleOptions): Promise<BeforeTests> {
  const { plan, config, pack, requests, srcInfo } = planned;
  const { ws, rootfs, upstream, log } = opts;
  const store = fsBlobStore(join(opts.cache, 'blobs'));
  const baseFiles = planned.lock.sets.builder.find((p) => p.name === 'base-files');
  if (!baseFiles) throw new AirlockError('packages', 'no-base-files', 'the locked builder set has no base-files package', { hint: 're-lock with `airlock lock --update`' });
  const runtime = await runtimeLayer({
    packages: handoff.prodPackages, baseFiles, readOsRelease: () => readOsRelease(planned.lock, opts.cache),
    identity: plan.airlock, epoch: plan.epoch.seconds, cacheDir: opts.cache, store, fresh: opts.noCache, parseElf: (b) => parseElf(b),
  });
  const setEntries = new Set<FileEntry>(runtime.entries);
  const handed = await handoffEntries(handoff.prodFiles);
  const upstreamProd = upstream ? await handoffEntries(upstream.prodFiles) : [];
  const sliced = config.slicing.mode === 'auto' && !config.variants.prod.includeBuildTools
    ? await sliceProd(runtime, [...handed, ...upstreamProd], { config, entrypoint: config.runtime.entrypoint ?? handoff.entrypoint, log })
    : undefined;
  const icu = await trimIcu(sliced?.entries ?? runtime.entries, runtime, config, { log, cache: opts.cache, identity: plan.airlock, noCache: opts.noCache });
  // The runtime files' digests and facts slicing and the ICU trim worked out; not kept (a full disk, say): worked out
  // again next time.
  await runtime.digests.save().catch(() => undefined);
  await runtime.facts.save().catch(() => undefined);
  const rtEntries = icu?.entries ?? sliced?.entries ?? runtime.entries;
  const replaced = icu?.replacements ?? [];
  const orphaned = new Set(sliced?.orphaned ?? []);
  const leftFiles = handed.filter((e) => e.type !== 'dir' && !orphaned.has(e.path));
  // A folder that held only dropped files goes too (…/pydoc_data/__pycache__).
  const emptied = (d: string) => handed.some((e) => orphaned.has(e.path) && e.path.startsWith(`${d}/`)) && !leftFiles.some((e) => e.path.startsWith(`${d}/`));
  const prodArtifacts = orphaned.size ? handed.filter((e) => !orphaned.has(e.path) && !(e.type === 'dir' && emptied(e.path))) : handed;
  const tests = plan.steps.filter((s) => s.phase === 'test').map((s) => s.command);
  const input: AssembleInput = {
    config, epoch: plan.epoch.seconds, store, cacheDir: opts.cache,
    rootfsDir: rootfs.dir, rootfsKey: rootfs.key, runtimeEntries: rtEntries,
    ...(sliced || replaced.length ? {} : { runtimeLayer: runtime.layer }),
    ...(upstream ? { toolchain: { key: upstream.key, prod: upstreamProd, full: upstream.fullEntries } } : {}),
    prodArtifacts,
    installed: await handoffEntries(await allInstalled(ws.out)),
    pristineSrc: ws.pristine, builtSrc: ws.src,
    prodEnv: pack.prodEnv?.(requests.version) ?? {},
    ...(pack.defaultWorkdir?.(srcInfo) ? { workdir: pack.defaultWorkdir(srcInfo)! } : {}),
    entrypoint: handoff.entrypoint,
    // The runtime set's own files (sliced entries are the same objects): their kept digests key prod's layer.
    knownSha256: (e) => (setEntries.has(e) ? runtime.digests.known(e.path)?.[2] : undefined),
    log, noCache: opts.noCache, testCommand: tests.length ? `cd ${SANDBOX_SRC} && ${tests.join(' && ')}` : 'echo "no tests configured"',
  };
  const timings = { dev: 0, prod: 0, test: 0 };
  const timed = async (k: 'dev' | 'prod' | 'test', f: (i: AssembleInput) => Promise<AssembledVariant>) => {
    const s = Date.now();
    log.info(`assembling ${config.name}:${config.tag}-${k}`);
    const v = await f(input);
    timings[k] = (Date.now() - s) / 1000;
    return v;
  };
  // app_config: dev gets the dev merge, prod and test the prod merge, at the declared path.
  const app = await loadAppConfig(config);
  const plus = (entries: FileEntry[], text: string | undefined) => {
    if (!app || text === undefined) return entries;
    const have = new Set(entries.map((e) => e.path));
    return [...entries, ...configEntries(app.path, text).filter((e) => e.type === 'file' || !have.has(e.path))];
  };
  const prod = await timed('prod', (i) => assembleProd({ ...i, prodArtifacts: plus(i.prodArtifacts, app?.prod) }));
  const dev = await timed('dev', (i) => assembleDev({ ...i, installed: plus(i.installed, app?.dev) }));
  // A file airlock made is not the package's: the gates hold it to the build's own hardening.
  const made = new Set(replaced.map((r) => r.path));
  const packaged = rtEntries.map((e) => e.path).filter((p) => !made.has(p));
  const runtimePaths = new Set([...packaged, ...(upstream?.prodFiles ?? []).map((f) => f.path)]);
  const rootfsPaths = new Set([...(dev.layers[0] ?? []).map((e) => e.path), ...(upstream?.fullEntries ?? []).map((e) => e.path)]);
  const packagedPaths = { prod: runtimePaths, dev: rootfsPaths, test: rootfsPaths };
  return {
    prod, dev, packagedPaths, replaced,
    withTest: async () => {
      const test = await timed('test', (i) => assembleTest({ ...i, installed: plus(i.installed, app?.prod) }));
      return {
        variants: { dev, prod, test }, timings, packagedPaths,
        ...(sliced ? { slicing: slicingSummary(withoutReplaced(sliced, replaced)) } : {}), leftOutArtifacts: [...orphaned], replaced,
        artifactDigests: async () => {
          const files = handoff.prodFiles.filter((x) => x.type === 'file' && !orphaned.has(x.path));
          return Promise.all(files.map(async (f) => ({ path: f.path, sha256: await hashFile(f.hostPath), size: (await stat(f.hostPath)).size })));
        },
      };
    },
  };
}

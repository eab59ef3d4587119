// Assembles the three variants from the builder result: what goes into dev, prod and test, layer by layer.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import type { FileEntry } from '../image/entry.js';
import type { BlobStore } from '../image/blob-store.js';
import { newImage, type Image } from '../image/image.js';
import { layerFormat, layerFromEntries, type Layer } from '../image/layer.js';
import type { GzipLevel } from '../image/gzip.js';
import { planTar } from '../image/tar-plan.js';
import { entriesFromDir } from '../sinks/dir-source.js';
import { cachedLayer, cachedListing, entriesKey } from './layer-cache.js';
import { silentLog, type Log } from '../log.js';
import { withProgress } from './progress.js';
import { devUserFiles, NONROOT, prodBaseEntries } from './base-files.js';
import { CA_BUNDLE_PATH } from '../debian/ca-bundle.js';
import { ociPlatform } from '../image/platform.js';

export interface AssembleInput {
  config: Config;
  epoch: number;
  store: BlobStore;
  cacheDir: string;
  rootfsDir: string;
  rootfsKey: string;
  /** Files of the runtime packages (distroless-style), and their layer when prod takes them whole (made when asked for). */
  runtimeEntries: FileEntry[];
  runtimeLayer?: () => Promise<Layer>;
  /** A toolchain from the npm registry under /usr/local: `prod` = node and its license, `full` = the whole tree with npm. */
  toolchain?: { key: string; prod: FileEntry[]; full: FileEntry[] };
  /** Declared artifacts, stripped when prod strips. */
  prodArtifacts: FileEntry[];
  /** Everything installed under $AIRLOCK_OUT, unstripped (dev and test). */
  installed: FileEntry[];
  pristineSrc: string;
  builtSrc: string;
  entrypoint?: string[];
  /** The language pack's prod environment and default workdir. */
  prodEnv: Record<string, string>;
  workdir?: string;
  testCommand: string;
  log: Log;
  /** --no-cache: list the builder rootfs again instead of reading its recorded listing. */
  noCache?: boolean;
  /** The sha256 (hex) of an entry's content when it is known without reading it (a runtime set's file). */
  knownSha256?: (e: FileEntry) => string | undefined;
}

const plannedLayers = new WeakMap<FileEntry[], FileEntry[]>();

/**
 * The entries exactly as a layer holds them: sorted, parent directories inserted (what gates and counts see).
 * Worked out once per entry list: dev and test share the builder's twelve thousand entries.
 */
function planned(layers: FileEntry[][]): FileEntry[][] {
  return layers.map((l) => {
    if (!plannedLayers.has(l)) plannedLayers.set(l, [...planTar(l).entries]);
    return plannedLayers.get(l)!;
  });
}

export interface AssembledVariant {
  image: Image;
  /** Every entry of every layer (for inventory and gates), layer by layer. */
  layers: FileEntry[][];
  user: string;
}

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function labels(config: Config, variant: string): Record<string, string> {
  return { ...config.runtime.labels, 'dev.airlock.variant': variant, 'org.opencontainers.image.title': config.name };
}

/**
 * Deflate levels. prod's layers: 9, what ships (every byte is pulled by every deployment, and they are small). The
 * builder's layers (dev, test; prod only with include_build_tools): 4. On hello-c's 482 MB builder layer, pako
 * deflates at 24 MB/s at level 4 against 3.3 MB/s at level 9 (a 64 MB sample), and the whole layer is 3.3% larger
 * (level 1: 34 MB/s, 10% larger): the builder layer of a cold build, and the source and work-tree layers each
 * change makes again.
 */
const PROD_LEVEL: GzipLevel = 9;
const BUILDER_LEVEL: GzipLevel = 4;

/** A layer of these entries; one with the same content (headers and bytes) is read back from the cache, not rewritten. */
async function layer(input: AssembleInput, entries: FileEntry[], level: GzipLevel): Promise<Layer> {
  const key = `entries-${await entriesKey(entries, input.epoch, layerFormat(level), input.knownSha256)}`;
  const write = () => layerFromEntries(withProgress(entries, 'writing layer', input.log), { epoch: input.epoch, store: input.store, level });
  return (await cachedLayer(input.cacheDir, input.store, key, write)).layer;
}

/** A layer of the npm-registry toolchain (prod: node; full: with npm, the builder's), cached by the tree key and the epoch. */
async function toolchainLayer(input: AssembleInput, which: 'prod' | 'full'): Promise<Layer | undefined> {
  const t = input.toolchain;
  if (!t || t[which].length === 0) return undefined;
  const level = which === 'prod' ? PROD_LEVEL : BUILDER_LEVEL;
  const write = () => layerFromEntries(withProgress(t[which], `writing the ${which === 'prod' ? 'node' : 'toolchain'} layer`, input.log), { epoch: input.epoch, store: input.store, level });
  return (await cachedLayer(input.cacheDir, input.store, `upstream-${t.key}-${which}-${input.epoch}-${layerFormat(level)}`, write)).layer;
}

/** What the builder layer is made from: the builder rootfs (tree and key), the epoch and the cache. */
export interface BuilderLayerInput {
  cacheDir: string;
  store: BlobStore;
  rootfsDir: string;
  rootfsKey: string;
  epoch: number;
  noCache?: boolean;
}

interface BuilderLayerJob {
  made: Promise<{ layer: Layer; entries: FileEntry[] }>;
  /** Where its progress goes: nowhere while it runs ahead of assembly, the build's log once assembly waits for it. */
  shown: { log: Log };
}
const builderLayers = new Map<string, BuilderLayerJob>();

/**
 * Starts making the builder layer (or reading back the kept one) ahead of assembly: it needs only the builder rootfs,
 * so a cold build deflates it while the steps run (fetching dependencies leaves the cores idle). Quiet until assembly
 * takes it over; a failure is met, and reported, there.
 */
export function prepareBuilderLayer(input: BuilderLayerInput): void {
  builderLayer(input).made.catch(() => { /* reported by assembly */ });
}

function builderLayer(input: BuilderLayerInput): BuilderLayerJob {
  const key = `rootfs-${input.rootfsKey}-${input.epoch}-${layerFormat(BUILDER_LEVEL)}`;
  const id = [input.cacheDir, key, input.noCache === true].join('\0');
  let job = builderLayers.get(id);
  if (!job) {
    const shown = { log: silentLog };
    job = { shown, made: readRootfsLayer(input, key, { ...silentLog, progress: (l, d, t) => shown.log.progress(l, d, t) }) };
    builderLayers.set(id, job);
  }
  return job;
}

/**
 * The builder rootfs as one layer, cached by the rootfs key and the epoch (dev and test share it, read once): the one
 * `prepareBuilderLayer` started, its progress shown from now on through `log`, or a new one.
 */
export function takeBuilderLayer(input: BuilderLayerInput, log: Log): Promise<{ layer: Layer; entries: FileEntry[] }> {
  const job = builderLayer(input);
  job.shown.log = log;
  return job.made;
}

function rootfsLayer(input: AssembleInput): Promise<{ layer: Layer; entries: FileEntry[] }> {
  return takeBuilderLayer(input, input.log);
}

async function readRootfsLayer(input: BuilderLayerInput, key: string, log: Log): Promise<{ layer: Layer; entries: FileEntry[] }> {
  // Recorded as the layer holds it (checked, sorted, parents in): a rebuild does not plan twelve thousand entries again.
  const walk = async () => planTar(await entriesFromDir(input.rootfsDir, { special: 'skip' })).entries;
  const entries = await cachedListing(input.cacheDir, `rootfs-${input.rootfsKey}-planned`, input.rootfsDir, walk, input.noCache);
  plannedLayers.set(entries, entries);
  const write = () => layerFromEntries(withProgress(entries, 'writing the builder layer', log), { epoch: input.epoch, store: input.store, level: BUILDER_LEVEL });
  const built = await cachedLayer(input.cacheDir, input.store, key, write);
  return { layer: built.layer, entries };
}

function annotations(input: AssembleInput, variant: string): Record<string, string> {
  return { 'org.opencontainers.image.title': input.config.name, 'org.opencontainers.image.version': `${input.config.tag}-${variant}`, 'org.opencontainers.image.created': new Date(input.epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

/** prod: runtime packages (with the CA bundle when ca-certificates is one), base files (users, home, /tmp), then the artifacts. Non-root, no shell. */
export async function assembleProd(input: AssembleInput): Promise<AssembledVariant> {
  const base = prodBaseEntries();
  // The CA bundle comes with the runtime ca-certificates package (made from its certificates).
  const ca = input.runtimeEntries.some((e) => e.path === CA_BUNDLE_PATH && e.type === 'file');
  const flags = input.config.variants.prod;
  // include_build_tools puts the whole builder under prod (reported as a warning by the config rules and the gates).
  const root = flags.includeBuildTools ? await rootfsLayer(input) : undefined;
  const src = flags.includeSource ? await entriesFromDir(input.pristineSrc, { special: 'skip', prefix: 'src', owner: { uid: 0, gid: 0 } }) : [];
  const tool = await toolchainLayer(input, root ? 'full' : 'prod');
  const toolEntries = tool ? input.toolchain![root ? 'full' : 'prod'] : [];
  const layers = [root ? root.entries : input.runtimeEntries, toolEntries, base, src, input.prodArtifacts].filter((l) => l.length > 0);
  const built: Layer[] = [];
  const made = async (l: FileEntry[]) =>
    (l === root?.entries ? root.layer : l === toolEntries ? tool : l === input.runtimeEntries ? await input.runtimeLayer?.() : undefined);
  for (const l of layers) built.push((await made(l)) ?? await layer(input, l, PROD_LEVEL));
  const rt = input.config.runtime;
  const user = rt.user ?? `${NONROOT}:${NONROOT}`;
  const env = [PATH_ENV, ...(ca ? [`SSL_CERT_FILE=/${CA_BUNDLE_PATH}`] : []), ...Object.entries({ ...input.prodEnv, ...rt.env }).map(([k, v]) => `${k}=${v}`)];
  const image = newImage({
    layers: built, ...ociPlatform(input.config.debian.architecture), epoch: input.epoch,
    config: {
      User: user, Env: env,
      ...(rt.entrypoint ?? input.entrypoint ? { Entrypoint: rt.entrypoint ?? input.entrypoint } : {}),
      ...(rt.cmd ? { Cmd: rt.cmd } : {}),
      WorkingDir: rt.workdir ?? input.workdir ?? '/home/nonroot',
      Labels: labels(input.config, 'prod'),
      ExposedPorts: rt.ports,
    },
    annotations: annotations(input, 'prod'),
  });
  return { image, layers: planned(layers), user };
}

async function devFiles(input: AssembleInput): Promise<FileEntry[]> {
  const passwd = await readFile(join(input.rootfsDir, 'etc/passwd'), 'utf8');
  const group = await readFile(join(input.rootfsDir, 'etc/group'), 'utf8');
  const src = input.config.variants.dev.includeSource ? await entriesFromDir(input.pristineSrc, { special: 'skip', prefix: 'src', owner: { uid: 1000, gid: 1000 } }) : [];
  return [...devUserFiles(passwd, group), ...(src.length ? [{ path: 'src', type: 'dir' as const, mode: 0o755, uid: 1000, gid: 1000, size: 0 }] : []), ...src];
}

/** dev: the builder rootfs (toolchain, dev packages, debug tools), the dev user, the source at /src, the installed tree. */
export async function assembleDev(input: AssembleInput): Promise<AssembledVariant> {
  const root = await rootfsLayer(input);
  const extra = await devFiles(input);
  const tool = await toolchainLayer(input, 'full');
  const layers = [root.entries, tool ? input.toolchain!.full : [], extra, input.installed].filter((l) => l.length > 0);
  const built = [root.layer, ...(tool ? [tool] : []), await layer(input, extra, BUILDER_LEVEL), ...(input.installed.length ? [await layer(input, input.installed, BUILDER_LEVEL)] : [])];
  const user = '1000:1000';
  const image = newImage({
    layers: built, ...ociPlatform(input.config.debian.architecture), epoch: input.epoch,
    config: { User: user, Env: [PATH_ENV, 'HOME=/home/dev', 'LANG=C.UTF-8'], Cmd: ['/bin/bash'], WorkingDir: '/src', Labels: labels(input.config, 'dev'), ExposedPorts: input.config.runtime.ports },
    annotations: annotations(input, 'dev'),
  });
  return { image, layers: planned(layers), user };
}

/** test: the builder rootfs, the built work tree at /src, the installed tree; its entrypoint runs build.test. */
export async function assembleTest(input: AssembleInput): Promise<AssembledVariant> {
  const root = await rootfsLayer(input);
  const src = input.config.variants.test.includeSource || input.config.variants.test.includeTests ? await entriesFromDir(input.builtSrc, { special: 'skip', prefix: 'src', owner: { uid: 0, gid: 0 } }) : [];
  const tool = await toolchainLayer(input, 'full');
  const layers = [root.entries, tool ? input.toolchain!.full : [], src, input.installed].filter((l) => l.length > 0);
  const built = [root.layer, ...(tool ? [tool] : []), ...(src.length ? [await layer(input, src, BUILDER_LEVEL)] : []), ...(input.installed.length ? [await layer(input, input.installed, BUILDER_LEVEL)] : [])];
  const user = '0:0';
  const image = newImage({
    layers: built, ...ociPlatform(input.config.debian.architecture), epoch: input.epoch,
    config: { User: user, Env: [PATH_ENV, 'HOME=/root', 'LANG=C.UTF-8'], Entrypoint: ['/bin/sh', '-ec', input.testCommand], WorkingDir: '/src', Labels: labels(input.config, 'test') },
    annotations: annotations(input, 'test'),
  });
  return { image, layers: planned(layers), user };
}

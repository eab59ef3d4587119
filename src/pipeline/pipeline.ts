// `airlock build`: config → lock → fetch → builder rootfs → sandboxed steps → handoff → variants → sinks → report.
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { entriesFromDir } from '../sinks/dir-source.js';
import { writeFileAtomic } from '../sinks/atomic.js';
import { dirname, join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { AirlockError } from '../errors.js';
import type { Log } from '../log.js';
import type { Config } from '../config/types.js';
import { fetchLocked } from '../debian/engine.js';
import { ensureBuilderRootfs } from '../debian/rootfs.js';
import { readOsRelease, runtimeEntries } from '../debian/runtime.js';
import { requestName, runtimeClosure } from '../debian/closure.js';
import { packageOwningPath } from '../debian/owner.js';
import type { Lock, LockedPackage } from '../debian/types.js';
import { parseElf } from '../gates/elf.js';
import { checkVersion, languagePack, offeredVersions } from '../lang/index.js';
import { cachedPackageNames } from './versions.js';
import { fsBlobStore } from '../sinks/blob-store.js';
import { selectArtifacts, type HandoffFile } from '../variants/artifacts.js';
import { elfClosure } from '../variants/elf-closure.js';
import { defaultEntrypoint, handoffEntries } from '../variants/handoff-entries.js';
import { assembleDev, assembleProd, assembleTest, type AssembledVariant, type AssembleInput } from '../variants/assemble.js';
import { chooseEpoch } from './epoch.js';
import { runBuildGates, type GateRun } from './gates.js';
import { lockStep } from './lock-step.js';
import { lockPath, readLock } from '../debian/lock.js';
import { lockedFor } from '../upstream/select.js';
import type { LockedUpstream, UpstreamRequest } from '../upstream/types.js';
import { prepareUpstream, UPSTREAM_PREFIX } from './upstream-step.js';
import { packageRequests } from './requests.js';
import { runSteps, stripInSandbox, SANDBOX_SRC } from './run-steps.js';
import { readIgnore, readSourceInfo, treeDigest } from './source-info.js';
import { createWorkspace } from './workspace.js';

export interface BuildOptions {
  cache: string;
  log: Log;
  env: NodeJS.ProcessEnv;
  outDir: string;
  offline: boolean;
  locked: boolean;
  update: boolean;
  /** Skip the quality gates (the report says they were skipped). */
  noGates: boolean;
}

export type Variants = Record<'dev' | 'prod' | 'test', AssembledVariant>;

export interface BuildResult {
  config: Config;
  lock: Lock;
  epoch: { seconds: number; from: string };
  variants: Variants;
  timings: Record<'dev' | 'prod' | 'test' | 'prepare', number>;
  prodPackages: LockedPackage[];
  closurePackages: string[];
  artifacts: { path: string; sha256: string; size: number }[];
  sourceDigest: string;
  rootfsKey: string;
  /** sha256 of the builder rootfs tarball (provenance names it). */
  rootfsDigest: string;
  gates: GateRun;
  warnings: string[];
  /** Toolchain packages from the npm registry (node in prod; node and npm in dev and test), empty when all is Debian. */
  upstream: LockedUpstream[];
}

async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

/**
 * Step 1 of a build, also `airlock lock`: the language pack's requests, locked (or the existing lock reused). When the
 * suite lacks the requested toolchain version and the pack has an npm-registry fallback (Node.js), the toolchain is
 * locked from the registry instead.
 */
export async function lockForConfig(config: Config, configDigest: string, opts: Pick<BuildOptions, 'cache' | 'log' | 'offline' | 'locked' | 'update'> & { env?: NodeJS.ProcessEnv }) {
  const pack = languagePack(config.language);
  const srcInfo = readSourceInfo(config.source);
  const debianReq = packageRequests(config, pack, srcInfo);
  const base = {
    architecture: config.debian.architecture,
    ...(config.debian.sources ? { sources: config.debian.sources.text } : {}),
    ...(config.debian.keyring ? { keyring: config.debian.keyring } : {}),
    configDigest,
  };
  const version = debianReq.version;
  // The npm-registry alternative, worked out only when needed (a pack may not offer it for every architecture).
  let upstreamMemo: (typeof debianReq & { upstream: UpstreamRequest[] }) | undefined | null = null;
  const upstreamFor = () => {
    if (upstreamMemo === null) {
      const plan = version !== undefined ? pack.upstream?.(version, config.debian.architecture, srcInfo) : undefined;
      upstreamMemo = plan ? { ...packageRequests(config, pack, srcInfo, { builder: plan.builderPackages, runtime: plan.runtimePackages }), upstream: plan.requests } : undefined;
    }
    return upstreamMemo;
  };
  const stepOpts = { cache: opts.cache, log: opts.log, offline: opts.offline, locked: opts.locked, update: opts.update, ...(opts.env ? { env: opts.env } : {}) };
  const lockWith = (r: { builder: string[]; runtime: string[]; upstream?: UpstreamRequest[] }) =>
    lockStep(config.file, { builder: r.builder, runtime: r.runtime, ...base, ...(r.upstream ? { upstream: r.upstream } : {}) }, stepOpts);

  // A lock whose toolchain came from the registry for this same version stays on the registry: reused when it matches
  // (also with --locked and --offline), re-resolved keeping its registry packages when the rest of the config changed.
  const existing = readLock(lockPath(config.file));
  if (existing?.upstream?.length && version !== undefined) {
    const up = upstreamFor();
    if (up && up.upstream.every((r) => lockedFor(existing.upstream!, r))) {
      return { ...(await lockWith(up)), pack, srcInfo, requests: up, upstream: true };
    }
  }
  try {
    return { ...(await lockWith(debianReq)), pack, srcInfo, requests: debianReq, upstream: false };
  } catch (e) {
    if (!(e instanceof AirlockError && e.code === 'unknown-package' && version !== undefined)) throw e;
    // An unknown toolchain package means a version the suite lacks: take the toolchain from the registry when the
    // pack can and the unknown packages are ones the registry toolchain replaces; else say which versions the suite has.
    const unknown = (/unknown packages?: (.*)$/m.exec(e.message)?.[1] ?? '').split(', ').map((n) => n.split('=')[0]);
    const { names, suiteName } = cachedPackageNames(opts.cache);
    const up = upstreamFor();
    const replaced = up ? debianReq.builder.concat(debianReq.runtime).map((r) => r.split('=')[0]).filter((n) => !up.builder.concat(up.runtime).some((b) => b.split('=')[0] === n)) : [];
    if (up && unknown.some((n) => replaced.includes(n))) {
      const has = offeredVersions(pack, names).join(', ') || 'none';
      opts.log.info(`${suiteName} has no ${pack.toolchainName} ${version} (it has ${has}): taking the official build from the npm registry`);
      const locked = await lockWith(up).catch((u: unknown) => {
        if (u instanceof AirlockError && u.code === 'version-unavailable') {
          throw new AirlockError('usage', 'version-unavailable', `${pack.toolchainName} ${version} is not available in ${suiteName}; available: ${has}; ${u.message}`, { location: 'version', hint: u.hint ?? '' });
        }
        throw u;
      });
      return { ...locked, pack, srcInfo, requests: up, upstream: true };
    }
    checkVersion(pack, version, names, suiteName);
    throw e;
  }
}

/** Runs the whole build for a loaded config; writes nothing outside the cache and its own temp workspace. */
export async function buildVariants(config: Config, configDigest: string, opts: BuildOptions): Promise<BuildResult> {
  const t0 = Date.now();
  const { log } = opts;
  const warnings: string[] = [];
  for (const v of ['dev', 'test'] as const) {
    if (!config.variants[v].includeBuildTools) warnings.push(`variants.${v}.include_build_tools is false, but ${v} is always built on the builder root file system; the setting is ignored`);
  }
  if (config.variants.dev.stripBinaries || config.variants.test.stripBinaries) warnings.push('strip_binaries applies to prod only; dev and test keep unstripped binaries for debugging');
  for (const w of warnings) log.warn(w);
  const { lock, pack, srcInfo, requests } = await lockForConfig(config, configDigest, opts);
  // The step plan before any download or rootfs: a project the pack cannot build by default fails here, at once.
  const defaults = pack.defaultSteps(srcInfo);
  const plan = { fetch: config.build.fetch ?? defaults.fetch, steps: config.build.steps ?? defaults.steps, test: config.build.test ?? defaults.test };
  if (plan.steps.length === 0) {
    throw new AirlockError('usage', 'no-build-steps', `no build steps: ${config.source} has no configure, CMakeLists.txt or Makefile`, { location: 'build.steps', hint: 'add build.steps to the config' });
  }
  await fetchLocked(lock, { cache: opts.cache, log, offline: opts.offline });
  const upstream = lock.upstream?.length ? await prepareUpstream(lock.upstream, { cache: opts.cache, offline: opts.offline, env: opts.env, log }) : undefined;
  const epoch = chooseEpoch(opts.env, config.source, lock.indexEpoch);
  log.info(`epoch ${epoch.seconds} (from ${epoch.from})`);

  // 2. Builder rootfs (cached by the builder set).
  const rootfs = await ensureBuilderRootfs(lock, { cache: opts.cache, log, offline: opts.offline });

  // 3. Sandboxed build in a private workspace.
  const outRel = relative(config.source, opts.outDir);
  const ignore = readIgnore(config.source, outRel && !outRel.startsWith('..') ? outRel : undefined);
  const ws = await createWorkspace(config.source, ignore);
  try {
    const caches = (pack.stepCaches?.() ?? []).map((c) => ({ host: join(opts.cache, 'lang', c.name), path: c.path }));
    for (const c of caches) await mkdir(c.host, { recursive: true });
    const stepCtx = {
      rootfs: rootfs.dir, srcDir: ws.src, outDir: ws.out, epoch: epoch.seconds, hardening: config.buildFlags.hardening, architecture: lock.architecture,
      langEnv: pack.buildEnv(requests.version), userEnv: {}, caches, log,
      networkFiles: pack.networkFiles?.(opts.env) ?? [], networkEnv: pack.networkEnv?.(opts.env) ?? {},
      ...(upstream ? { toolBinds: [{ host: upstream.tree, path: `/${UPSTREAM_PREFIX}` }] } : {}),
    };
    await runSteps(stepCtx, plan);
    const tPrepared = Date.now();

    // 4. Handoff: declared artifacts, their ELF closure, stripped for prod.
    const handoff = await selectArtifacts(ws.out, ws.src, config.artifacts ?? pack.defaultArtifacts?.(srcInfo));
    if (handoff.length === 0) {
      throw new AirlockError('build', 'no-artifacts', 'the build installed nothing into $AIRLOCK_OUT and no artifacts are declared', { hint: 'install into $AIRLOCK_OUT (make install DESTDIR="$AIRLOCK_OUT") or declare artifacts' });
    }
    // The npm-registry node binary joins the closure (its libstdc++/libgcc/libc come from Debian) but stays unstripped:
    // its bytes are the ones the lock's integrity names.
    const closure = await elfClosure([...handoff, ...(upstream?.prodFiles ?? [])], rootfs.dir, lock.architecture, { parseElf, owner: async (p) => packageOwningPath(rootfs.dir, p) });
    let prodFiles: HandoffFile[] = handoff;
    if (config.variants.prod.stripBinaries && closure.elfArtifacts.some((a) => handoff.some((f) => f.path === a))) {
      prodFiles = [];
      const elf = new Set(closure.elfArtifacts);
      for (const f of handoff) {
        if (f.type === 'file' && elf.has(f.path)) {
          const dest = join(ws.stripped, f.path);
          await mkdir(dirname(dest), { recursive: true });
          await copyFile(f.hostPath, dest);
          prodFiles.push({ ...f, hostPath: dest });
        } else prodFiles.push(f);
      }
      await stripInSandbox(stepCtx, ws.stripped, closure.elfArtifacts.filter((a) => handoff.some((f) => f.path === a)));
    }
    const packEntrypoint = pack.defaultEntrypoint?.(srcInfo, { upstream: !!upstream });
    const ep = config.runtime.entrypoint ? { entrypoint: config.runtime.entrypoint, candidates: [] } : packEntrypoint ? { entrypoint: packEntrypoint, candidates: [] } : defaultEntrypoint(handoff);
    if (!ep.entrypoint) {
      throw new AirlockError('usage', ep.candidates.length ? 'entrypoint-ambiguous' : 'entrypoint-missing',
        ep.candidates.length ? `several executables could be the entrypoint: ${ep.candidates.join(', ')}` : 'no executable was installed under a bin/ or sbin/ directory to serve as the entrypoint',
        { location: 'runtime.entrypoint', hint: 'set runtime.entrypoint in the config' });
    }

    // 5. Runtime package set: declared runtime packages + packages owning the ELF closure, closed within the lock by
    // today's rules (from the requests, not the lock's runtime set, so an older lock cannot keep e.g. openssl in prod).
    const roots = [...new Set([...requests.runtime.map(requestName), ...closure.packages])];
    const prodPackages = runtimeClosure(lock.sets.builder, roots);
    const osRelease = await readOsRelease(lock, opts.cache);
    const rtEntries = await runtimeEntries(prodPackages, { cache: opts.cache, osRelease });

    const store = fsBlobStore(join(opts.cache, 'blobs'));
    const input: AssembleInput = {
      config, epoch: epoch.seconds, store, cacheDir: opts.cache, rootfsDir: rootfs.dir, rootfsKey: rootfs.key,
      runtimeEntries: rtEntries,
      ...(upstream ? { toolchain: { key: upstream.key, prod: await handoffEntries(upstream.prodFiles), full: upstream.fullEntries } } : {}),
      prodArtifacts: await handoffEntries(prodFiles),
      installed: await handoffEntries(await allInstalled(ws.out)),
      pristineSrc: ws.pristine, builtSrc: ws.src,
      prodEnv: pack.prodEnv?.(requests.version) ?? {}, ...(pack.defaultWorkdir?.(srcInfo) ? { workdir: pack.defaultWorkdir(srcInfo)! } : {}), ...(ep.entrypoint ? { entrypoint: ep.entrypoint } : {}),
      log, testCommand: plan.test.length ? `cd ${SANDBOX_SRC} && ${plan.test.join(' && ')}` : 'echo "no tests configured"',
    };
    const timings = { prepare: (tPrepared - t0) / 1000, dev: 0, prod: 0, test: 0 };
    const timed = async (k: 'dev' | 'prod' | 'test', f: () => Promise<AssembledVariant>) => {
      const s = Date.now();
      log.info(`assembling ${config.name}:${config.tag}-${k}`);
      const v = await f();
      timings[k] = (Date.now() - s) / 1000;
      return v;
    };
    const prod = await timed('prod', () => assembleProd(input));
    const dev = await timed('dev', () => assembleDev(input));
    const test = await timed('test', () => assembleTest(input));

    // 6. Gates, while every layer's bytes are still readable.
    // Files from Debian packages and from the npm-registry toolchain are not built here: not ours to harden.
    const runtimePaths = new Set([...rtEntries.map((e) => e.path), ...(upstream?.prodFiles ?? []).map((f) => f.path)]);
    const rootfsPaths = new Set([...(dev.layers[0] ?? []).map((e) => e.path), ...(upstream?.fullEntries ?? []).map((e) => e.path)]);
    const gates = await runBuildGates(config, { dev, prod, test }, { skip: opts.noGates, epoch: epoch.seconds, log, cacheDir: opts.cache, packagedPaths: { prod: runtimePaths, dev: rootfsPaths, test: rootfsPaths } });

    const artifacts: BuildResult['artifacts'] = [];
    for (const f of prodFiles.filter((x) => x.type === 'file')) artifacts.push({ path: f.path, sha256: await fileSha256(f.hostPath), size: (await stat(f.hostPath)).size });
    return {
      config, lock, epoch, variants: { dev, prod, test }, timings, prodPackages, closurePackages: closure.packages, artifacts, upstream: upstream?.packages ?? [],
      sourceDigest: await treeDigest(ws.pristine), rootfsKey: rootfs.key, rootfsDigest: await tarDigest(rootfs.tar), gates, warnings,
    };
  } finally {
    await ws.dispose();
  }
}

/** sha256 of the (immutable, keyed) rootfs tarball, computed once and kept beside it. */
async function tarDigest(tar: string): Promise<string> {
  const side = `${tar}.sha256`;
  const known = await readFile(side, 'utf8').then((t) => t.trim(), () => '');
  if (/^sha256:[0-9a-f]{64}$/.test(known)) return known;
  const digest = `sha256:${await fileSha256(tar)}`;
  await writeFileAtomic(side, `${digest}\n`);
  return digest;
}

/** Everything installed under the install root (dev and test get all of it, headers included). */
async function allInstalled(outDir: string): Promise<HandoffFile[]> {
  return (await entriesFromDir(outDir, { special: 'skip' })).map((e) => ({
    hostPath: join(outDir, e.path), path: e.path, type: e.type === 'dir' ? 'dir' : e.type === 'symlink' ? 'symlink' : 'file', mode: e.mode, ...(e.linkname ? { linkname: e.linkname } : {}),
  }));
}

// The lock stage, also `airlock lock`: the language pack's package requests, locked (or the existing lock reused).
import { AirlockError } from '../errors.js';
import type { Config } from '../config/types.js';
import { checkVersion, languagePack, offeredVersions } from '../lang/index.js';
import { cachedPackageNames } from './versions.js';
import { lockStep, type LockStepOptions } from './lock-step.js';
import { configLockPath } from '../debian/lock.js';
import { readLockCached } from './parse-cache.js';
import type { UpstreamRequest } from '../upstream/types.js';
import { packageRequests } from './requests.js';
import { readSourceInfo } from './source-info.js';
import { phaseCommands } from './plan.js';

/**
 * How to lock: the cache, a log and the lock switches of the command line; `lockFile` instead of the config's, and
 * `extraBuilder` packages (a cross build's compilers) in the builder set.
 */
export type LockOptions = LockStepOptions & { lockFile?: string; extraBuilder?: string[] };

/**
 * Step 1 of a build, also `airlock lock`: the language pack's requests, locked (or the existing lock reused). When the
 * suite lacks the requested toolchain version and the pack has an npm-registry fallback (Node.js), the toolchain is
 * locked from the registry instead.
 */
export async function lockForConfig(config: Config, configDigest: string, opts: LockOptions) {
  const pack = languagePack(config.language);
  // The declared runtime packages too: a pack may leave to one what its defaults would make (Java's jlinked runtime).
  const declared = config.packages.map((p) => p.name);
  const srcInfo = { ...readSourceInfo(config.source, pack, config.build.workspace), packages: declared };
  // A shape the pack cannot decide (several programs, none preferred) fails here, before any download.
  if (!config.runtime.entrypoint) pack.defaultEntrypoint?.(srcInfo, { upstream: false });
  // Nor can one with no build steps, or whose build system the pack cannot choose.
  phaseCommands(config, pack, srcInfo);
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
  const file = opts.lockFile ?? configLockPath(config);
  const extra = opts.extraBuilder ?? [];
  const lockWith = (r: { builder: string[]; runtime: string[]; upstream?: UpstreamRequest[] }) =>
    lockStep(file, { builder: [...new Set([...r.builder, ...extra])].sort(), runtime: r.runtime, ...base, ...(r.upstream ? { upstream: r.upstream } : {}) }, stepOpts);

  // A lock whose toolchain came from the registry for this same version stays on the registry: reused when it matches
  // (also with --locked and --offline), re-resolved keeping its registry packages when the rest of the config changed.
  const existing = await readLockCached(file, { cacheDir: opts.cache });
  if (existing?.upstream?.length && version !== undefined) {
    const { lockedFor } = await import('../upstream/select.js'); // semver, loaded only for a registry toolchain
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

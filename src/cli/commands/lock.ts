// `airlock lock`: resolve the config's package sets with apt and write airlock.lock.json beside it.
import { loadConfig } from '../../config/load.js';
import { defaultCacheDir } from '../../debian/cache.js';
import { lockForConfig } from '../../pipeline/lock-stage.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { ExitCode } from '../../errors.js';
import { parse } from '../args.js';
import { parsePlatformList } from '../../image/platform.js';
import type { Command } from '../command.js';
import { configLockPath, lockPath } from '../../debian/lock.js';
import { executionFor, stepsLockName } from '../../pipeline/execution.js';

const usage = 'airlock lock [-c FILE] [--platform P,…] [--update] [--offline] [--check]';

export const command: Command = {
  name: 'lock',
  summary: 'resolve Debian packages with apt and write airlock.lock.json, or one airlock.lock.<arch>.json per architecture (--check: verify they are current)',
  usage,
  async run(argv, ctx) {
    const { values } = parse('lock', usage, argv, {
      config: { type: 'string', short: 'c' },
      update: { type: 'boolean' },
      offline: { type: 'boolean' },
      check: { type: 'boolean' },
      platform: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
    }, false);
    const loaded = await loadConfig(values.config ?? 'airlock.yaml', { architecture: hostArchitecture() });
    for (const w of loaded.warnings) ctx.log.warn(w);
    const base = loaded.config;
    const archs = values.platform !== undefined ? parsePlatformList(values.platform) : base.debian.architectures;
    const host = hostArchitecture();
    const opts = {
      cache: defaultCacheDir(ctx.env), log: ctx.log, offline: values.offline ?? false,
      locked: values.check ?? false, update: values.update ?? false, env: ctx.env,
    };
    // One lock per architecture when the config builds several (airlock.lock.<arch>.json); resolving needs no emulation.
    // An architecture that cross-compiles here also needs the host's builder (airlock.lock.<host>.json), locked after.
    type Job = { architecture: string; file?: string; extraBuilder?: string[]; crossFor?: string };
    const locks: Job[] = archs.map((architecture) => ({ architecture }));
    for (let i = 0; i < locks.length; i++) {
      const { architecture, file, extraBuilder, crossFor } = locks[i]!;
      const config = { ...base, debian: { ...base.debian, architecture, architectures: archs } };
      const r = await lockForConfig(config, loaded.digest, { ...opts, ...(file ? { lockFile: file } : {}), ...(extraBuilder ? { extraBuilder } : {}) });
      const e = crossFor ? undefined : executionFor(config, r.pack, r.srcInfo, host);
      const stepsFile = e?.mode === 'cross' ? lockPath(base.file, stepsLockName(e)) : undefined;
      // The builder its steps run on, unless it is a lock of this loop already.
      const fileOf = (l: Job) => l.file ?? configLockPath({ file: base.file, debian: { architecture: l.architecture, architectures: archs } });
      if (e && stepsFile && !locks.some((l) => fileOf(l) === stepsFile)) {
        locks.push({ architecture: host, file: stepsFile, extraBuilder: e.builderPackages, crossFor: architecture });
      }
      const up = r.lock.upstream?.length ? `; from the npm registry: ${r.lock.upstream.map((u) => `${u.name}@${u.version}`).join(', ')}` : '';
      const role = crossFor ? `; the builder that cross-compiles for ${crossFor}` : '';
      ctx.stdout(`${r.file}: ${r.lock.sets.builder.length} builder packages, ${r.lock.sets.runtime.length} runtime packages (${r.lock.codename}/${r.lock.architecture})${up}${role}${r.resolved ? '' : ', up to date'}\n`);
    }
    return ExitCode.ok;
  },
};

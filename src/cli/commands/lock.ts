// `airlock lock`: resolve the config's package sets with apt and write airlock.lock.json beside it.
import { loadConfig } from '../../config/load.js';
import { defaultCacheDir } from '../../debian/cache.js';
import { lockForConfig } from '../../pipeline/lock-stage.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { ExitCode } from '../../errors.js';
import { parse } from '../args.js';
import { parsePlatformList } from '../../image/platform.js';
import type { Command } from '../command.js';

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
    // One lock per architecture when the config builds several (airlock.lock.<arch>.json); resolving needs no emulation.
    for (const architecture of archs) {
      const config = { ...base, debian: { ...base.debian, architecture, architectures: archs } };
      const r = await lockForConfig(config, loaded.digest, {
        cache: defaultCacheDir(ctx.env), log: ctx.log, offline: values.offline ?? false,
        locked: values.check ?? false, update: values.update ?? false, env: ctx.env,
      });
      const up = r.lock.upstream?.length ? `; from the npm registry: ${r.lock.upstream.map((u) => `${u.name}@${u.version}`).join(', ')}` : '';
      ctx.stdout(`${r.file}: ${r.lock.sets.builder.length} builder packages, ${r.lock.sets.runtime.length} runtime packages (${r.lock.codename}/${r.lock.architecture})${up}${r.resolved ? '' : ', up to date'}\n`);
    }
    return ExitCode.ok;
  },
};

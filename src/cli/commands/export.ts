// `airlock export`: a config's build plan as a multi-stage Dockerfile (and docker-bake.hcl) for BuildKit.
import { resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { holdCache } from '../../cache/hold.js';
import { defaultCacheDir } from '../../debian/cache.js';
import { AirlockError, ExitCode } from '../../errors.js';
import { runExport } from '../../export/export.js';
import type { Frontend } from '../../export/dockerfile.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';

const usage = 'airlock export [-c FILE ...] --format dockerfile|bake [--out DIR] [--bases HOST[:PORT][/PATH]]'
  + ' [--insecure] [--frontend current|docker-20.10] [--offline] [--locked]';

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback?: T): T {
  if (value === undefined && fallback) return fallback;
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  const given = value === undefined ? '' : `, not "${value}"`;
  throw new AirlockError('usage', 'bad-arguments', `export: --${flag} must be ${allowed.join(' or ')}${given}`, {
    hint: `usage: ${usage}`,
  });
}

export const command: Command = {
  name: 'export',
  summary: 'render the build plan as a Dockerfile (or a bake file) for BuildKit, with the base images airlock made',
  usage,
  async run(argv, ctx) {
    const { values } = parse('export', usage, argv, {
      config: { type: 'string', short: 'c', multiple: true },
      format: { type: 'string' },
      out: { type: 'string', short: 'o' },
      bases: { type: 'string' },
      insecure: { type: 'boolean' },
      frontend: { type: 'string' },
      offline: { type: 'boolean' },
      locked: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    }, false);
    const format = oneOf('format', values.format, ['dockerfile', 'bake'] as const);
    const frontend = oneOf<Frontend>('frontend', values.frontend, ['current', 'docker-20.10'], 'current');
    const files = values.config?.length ? values.config : ['airlock.yaml'];
    const configs = [];
    for (const f of files) {
      const loaded = await loadConfig(resolve(ctx.cwd, f), { architecture: hostArchitecture() });
      for (const w of loaded.warnings) ctx.log.warn(w);
      configs.push({ config: loaded.config, digest: loaded.digest });
    }
    const outDir = resolve(ctx.cwd, values.out ?? 'airlock-export');
    const cache = defaultCacheDir(ctx.env);
    const hold = await holdCache(cache);
    const services = await runExport({
      configs, format, outDir, frontend, insecure: values.insecure ?? false, cache, log: ctx.log, env: ctx.env,
      offline: values.offline ?? false, locked: values.locked ?? false,
      ...(values.bases ? { registry: values.bases } : {}),
    }).finally(() => hold.release());
    for (const s of services) {
      ctx.stdout(`${s.name}: ${s.dockerfile} (builder ${s.bases.builder}, runtime ${s.bases.runtime})\n`);
    }
    ctx.stdout(`export in ${outDir}: ${format === 'bake' ? 'docker-bake.hcl, ' : ''}bases/, BASES.md\n`);
    return ExitCode.ok;
  },
};

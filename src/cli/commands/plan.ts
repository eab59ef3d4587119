// `airlock plan`: what a build of this config will do, decided without doing any of it.
import { loadConfig } from '../../config/load.js';
import { defaultCacheDir } from '../../debian/cache.js';
import { planBuild } from '../../pipeline/plan-stage.js';
import { renderPlan } from '../../pipeline/plan-view.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { AirlockError, ExitCode } from '../../errors.js';
import { parsePlatform } from '../../image/platform.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';

const usage = 'airlock plan [-c FILE] [--platform P] [--offline] [--locked] [--json]';

export const command: Command = {
  name: 'plan',
  summary: 'print the build plan of a config: builder, steps and what each sees, handoff, variants (--json: the plan itself)',
  usage,
  async run(argv, ctx) {
    const { values } = parse('plan', usage, argv, {
      config: { type: 'string', short: 'c' },
      offline: { type: 'boolean' },
      locked: { type: 'boolean' },
      json: { type: 'boolean' },
      platform: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
    }, false);
    const loaded = await loadConfig(values.config ?? 'airlock.yaml', { architecture: hostArchitecture() });
    for (const w of loaded.warnings) ctx.log.warn(w);
    // A config with several architectures has a plan per architecture: --platform picks one (default: the first).
    const { architectures } = loaded.config.debian;
    const architecture = values.platform !== undefined ? parsePlatform(values.platform) : architectures[0]!;
    if (!architectures.includes(architecture)) {
      throw new AirlockError('usage', 'platform-not-found', `--platform: the config builds for ${architectures.join(', ')}, not ${architecture}`, {
        hint: 'list it in debian.architectures, or pick one of those',
      });
    }
    const config = { ...loaded.config, debian: { ...loaded.config.debian, architecture } };
    const planned = await planBuild(config, loaded.digest, {
      cache: defaultCacheDir(ctx.env), log: ctx.log, env: ctx.env, offline: values.offline ?? false,
      locked: values.locked ?? false, update: false,
    });
    ctx.stdout(values.json ? planned.json : renderPlan(planned.plan));
    return ExitCode.ok;
  },
};

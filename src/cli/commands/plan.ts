// `airlock plan`: what a build of this config will do, decided without doing any of it.
import { loadConfig } from '../../config/load.js';
import { defaultCacheDir } from '../../debian/cache.js';
import { planBuild } from '../../pipeline/plan-stage.js';
import { renderPlan } from '../../pipeline/plan-view.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { ExitCode } from '../../errors.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';

const usage = 'airlock plan [-c FILE] [--offline] [--locked] [--json]';

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
      quiet: { type: 'boolean', short: 'q' },
    }, false);
    const loaded = await loadConfig(values.config ?? 'airlock.yaml', { architecture: hostArchitecture() });
    for (const w of loaded.warnings) ctx.log.warn(w);
    const planned = await planBuild(loaded.config, loaded.digest, {
      cache: defaultCacheDir(ctx.env), log: ctx.log, env: ctx.env, offline: values.offline ?? false,
      locked: values.locked ?? false, update: false,
    });
    ctx.stdout(values.json ? planned.json : renderPlan(planned.plan));
    return ExitCode.ok;
  },
};

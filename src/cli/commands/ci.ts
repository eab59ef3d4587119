// `airlock ci --github|--gitlab`: writes a CI workflow that installs airlock, builds, runs the test image, signs,
// publishes release tags and deletes old dev tags on a schedule.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { renderCi, DEFAULT_PATHS, type CiSystem } from '../../ci/render.js';
import { loadConfig } from '../../config/load.js';
import { configLockPaths } from '../../debian/lock.js';
import { AirlockError, ExitCode } from '../../errors.js';
import { writeFileAtomic } from '../../files/atomic.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { parseDuration } from '../../release/duration.js';
import { AIRLOCK_VERSION } from '../../pipeline/version.js';
import { parseRepoName } from '../../release/repo-name.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';

const usage = 'airlock ci --github|--gitlab [-c FILE] [--repo REGISTRY/NAME] [--dev-max-age 14d] [--out FILE|-]'
  + ' [--force]';

export const command: Command = {
  name: 'ci',
  summary: 'write a GitHub Actions or GitLab CI workflow: build, test image, sign, publish, scheduled gc of dev tags',
  usage,
  async run(argv, ctx) {
    const { values } = parse('ci', usage, argv, {
      github: { type: 'boolean' }, gitlab: { type: 'boolean' }, config: { type: 'string', short: 'c' },
      repo: { type: 'string' }, 'dev-max-age': { type: 'string' }, out: { type: 'string', short: 'o' },
      force: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
    }, false);
    if (values.github === values.gitlab) {
      const message = 'ci needs exactly one of --github and --gitlab';
      throw new AirlockError('usage', 'bad-arguments', message, { hint: `usage: ${usage}` });
    }
    const system: CiSystem = values.github ? 'github' : 'gitlab';
    const maxAge = values['dev-max-age'] ?? '14d';
    parseDuration(maxAge, '--dev-max-age');
    if (values.repo) parseRepoName(values.repo, '--repo');
    const configFile = resolve(ctx.cwd, values.config ?? 'airlock.yaml');
    const loaded = await loadConfig(configFile, { architecture: hostArchitecture() });
    const rel = (p: string) => relative(ctx.cwd, p).split(sep).join('/');
    const { config } = loaded;
    const text = renderCi(system, {
      // Several architectures: the first one's lock keys the cache.
      config: rel(config.file), lock: rel(configLockPaths(config)[0]!), out: rel(join(config.dir, 'airlock-out')),
      name: config.name, tag: config.tag, airlockVersion: AIRLOCK_VERSION, devTagsMaxAge: maxAge,
      ...(values.repo ? { repo: values.repo } : {}),
    });
    if (values.out === '-') { ctx.stdout(text); return ExitCode.ok; }
    const file = resolve(ctx.cwd, values.out ?? DEFAULT_PATHS[system]);
    if (existsSync(file) && !values.force) {
      throw new AirlockError('usage', 'ci-file-exists', `${rel(file)} exists`, {
        hint: 'pass --force to replace it, or --out - to print the workflow',
      });
    }
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, text);
    ctx.stdout(`wrote ${rel(file)}\n`);
    return ExitCode.ok;
  },
};

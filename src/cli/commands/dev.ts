// `airlock dev [-c FILE]`: the inner loop. Opens the dev image of the last build with the working copy at /src, as
// the invoking user, a shell on the terminal, the app's ports and the debugger's port on 127.0.0.1.
import { join, resolve } from 'node:path';
import { holdCache } from '../../cache/hold.js';
import { AirlockError } from '../../errors.js';
import { loadConfig } from '../../config/load.js';
import { defaultCacheDir } from '../../debian/cache.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { prepareRun } from '../../run/container.js';
import { debugPort } from '../../run/debug-ports.js';
import { imageRefOf } from '../../run/image-ref.js';
import { checkRuntime, runWithRunc } from '../../run/runc.js';
import { openImage } from '../../sinks/open-image.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { splitArgs } from './run.js';

const usage = 'airlock dev [-c FILE] [--out DIR] [-p [HOST:]PORT]… [-- COMMAND…]   (after `airlock build`)';

/** The invoking user: the one sudo was called by, else this process's. */
export function invokingUser(env: NodeJS.ProcessEnv): { uid: number; gid: number } {
  const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
  return { uid: num(env.SUDO_UID) ?? process.getuid?.() ?? 0, gid: num(env.SUDO_GID) ?? process.getgid?.() ?? 0 };
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { own, rest } = splitArgs(argv);
  const { values, positionals } = parse('dev', usage, own, {
    config: { type: 'string', short: 'c' },
    out: { type: 'string', short: 'o' },
    publish: { type: 'string', short: 'p', multiple: true },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (positionals.length)
    throw new AirlockError(
      'usage',
      'bad-arguments',
      `dev takes no image (${positionals[0]}): it opens the config's dev image`,
      { hint: `usage: ${usage}` },
    );
  checkRuntime(true);
  const { config } = await loadConfig(resolve(ctx.cwd, values.config ?? 'airlock.yaml'), {
    architecture: hostArchitecture(),
  });
  const outDir = values.out ? resolve(ctx.cwd, values.out) : join(config.dir, 'airlock-out');
  const ref = await imageRefOf('dev', outDir, ctx.cwd).catch((cause: unknown) => {
    throw new AirlockError('usage', 'no-build', `no dev image in ${outDir}`, {
      cause,
      hint: `build it first: airlock build -c ${config.file}`,
    });
  });
  const image = await openImage(ref, { env: ctx.env, log: ctx.log });
  const user = invokingUser(ctx.env);
  const terminal = process.stdin.isTTY === true;
  const port = debugPort(config.language);
  const home = '/home/dev';
  // Held while it runs: a prune meanwhile keeps the root file system the container is using.
  const hold = await holdCache(defaultCacheDir(ctx.env));
  try {
    const prepared = await prepareRun({
      image,
      cacheDir: join(defaultCacheDir(ctx.env), 'run'),
      args: [],
      ...(rest.length ? { command: rest } : {}),
      user,
      terminal,
      publish: [...(values.publish ?? []), ...config.runtime.ports],
      ...(port ? { optionalPorts: [port] } : {}),
      binds: [{ source: config.source, destination: '/src', readOnly: false }],
      tmpfs: [{ path: home, owner: user }],
      env: [`HOME=${home}`],
      cwd: '/src',
      hostname: `${config.name.replace(/[^a-z0-9-]/g, '-')}-dev`,
    });
    ctx.log.info(`dev shell in ${config.name}:${config.tag}-dev as uid ${user.uid}, ${config.source} at /src`);
    return await runWithRunc(prepared.spec, { ports: prepared.ports, log: ctx.log });
  } finally {
    await hold.release();
  }
}

export const command: Command = {
  name: 'dev',
  summary: 'open a shell in the dev image with the working copy at /src, as you, ports on 127.0.0.1',
  usage,
  run,
};

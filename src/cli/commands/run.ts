// `airlock run [IMAGE] [-- ARGS]`: runs an image with runc, as its manifests would: read-only root, its user (prod:
// 65532), no capabilities, no new privileges, tmpfs /tmp, published ports on 127.0.0.1.
import { dirname, join, resolve } from 'node:path';
import { holdCache } from '../../cache/hold.js';
import { AirlockError } from '../../errors.js';
import { defaultCacheDir } from '../../debian/cache.js';
import { prepareRun } from '../../run/container.js';
import { imageRefOf } from '../../run/image-ref.js';
import { checkRuntime, runWithRunc } from '../../run/runc.js';
import { openImage } from '../../sinks/open-image.js';
import { parsePlatform } from '../../image/platform.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';

const usage =
  'airlock run [IMAGE] [-p [HOST:]PORT]… [-e K=V]… [--out DIR | -c FILE] [--platform P] [-t] [-- ARGS…]   ' +
  '(IMAGE: prod (default), dev, test, NAME:TAG of the outputs, oci:DIR[:TAG], docker-archive:FILE, docker://…)';

/** argv split at the first `--`: options and image before, the container's arguments after. */
export function splitArgs(argv: string[]): { own: string[]; rest: string[] } {
  const i = argv.indexOf('--');
  return i < 0 ? { own: argv, rest: [] } : { own: argv.slice(0, i), rest: argv.slice(i + 1) };
}

/** The output folder the short image names refer to. */
export function outputsDir(values: { out?: string; config?: string }, cwd: string): string {
  return values.out
    ? resolve(cwd, values.out)
    : join(dirname(resolve(cwd, values.config ?? 'airlock.yaml')), 'airlock-out');
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { own, rest } = splitArgs(argv);
  const { values, positionals } = parse('run', usage, own, {
    publish: { type: 'string', short: 'p', multiple: true },
    env: { type: 'string', short: 'e', multiple: true },
    out: { type: 'string', short: 'o' },
    config: { type: 'string', short: 'c' },
    tty: { type: 'boolean', short: 't' },
    entrypoint: { type: 'string' },
    insecure: { type: 'boolean' },
    platform: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (positionals.length > 1)
    throw new AirlockError('usage', 'bad-arguments', `run takes one image, got ${positionals.join(' ')}`, {
      hint: "put the container's arguments after --",
    });
  checkRuntime(true);
  const ref = await imageRefOf(positionals[0] ?? 'prod', outputsDir(values, ctx.cwd), ctx.cwd);
  // Of a multi-platform index: --platform's image, else the host's (another one runs under qemu-user through binfmt).
  const platform = values.platform !== undefined ? parsePlatform(values.platform) : ref.kind === 'docker-archive' ? undefined : hostArchitecture();
  const image = await openImage(ref, { insecure: values.insecure ?? false, env: ctx.env, log: ctx.log, ...(platform ? { platform } : {}) });
  // Held while it runs: a prune meanwhile keeps the root file system the container is using.
  const hold = await holdCache(defaultCacheDir(ctx.env));
  try {
    const prepared = await prepareRun({
      image,
      cacheDir: join(defaultCacheDir(ctx.env), 'run'),
      args: rest,
      terminal: values.tty ?? false,
      ...(values.entrypoint ? { command: [values.entrypoint] } : {}),
      publish: values.publish ?? [],
      binds: [],
      tmpfs: [],
      env: values.env ?? [],
      hostname: 'airlock',
    });
    return await runWithRunc(prepared.spec, { ports: prepared.ports, log: ctx.log });
  } finally {
    await hold.release();
  }
}

export const command: Command = {
  name: 'run',
  summary:
    'run an image with runc as its manifests would (read-only root, its user, no capabilities, ports on 127.0.0.1)',
  usage,
  run,
};

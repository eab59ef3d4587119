// What a run of an image is: its root file system unpacked, the user, command, environment and ports its config
// names (overridden by the run's options), as a runc spec.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import type { Image } from '../image/image.js';
import type { Published } from './runc.js';
import { runtimeSpec, type BindMount, type SpecInput } from './spec.js';
import { unpackedRootfs } from './unpack.js';
import { resolveUser, type RunUser } from './user.js';

export interface RunRequest {
  image: Image;
  /** Where unpacked root file systems are kept, by image digest. */
  cacheDir: string;
  /** Replaces the image's Cmd (its Entrypoint stays). */
  args: string[];
  /** Replaces the image's Entrypoint and Cmd. */
  command?: string[];
  user?: RunUser;
  terminal: boolean;
  /** `[HOST:]PORT` each; the image's exposed ports are published on the same host port when none are given. */
  publish: string[];
  /** Published too when their host port is free (the language's debugger port in dev). */
  optionalPorts?: number[];
  binds: BindMount[];
  tmpfs: SpecInput['tmpfs'];
  env: string[];
  cwd?: string;
  hostname: string;
}

/** `[HOST:]PORT[/tcp]` as host and container port. */
export function parsePublish(s: string): Published {
  const m = /^(?:(\d{1,5}):)?(\d{1,5})(?:\/tcp)?$/.exec(s);
  const ok = (n: number) => n > 0 && n < 65536;
  if (!m || !ok(Number(m[2])) || (m[1] !== undefined && !ok(Number(m[1])))) {
    throw new AirlockError('usage', 'bad-port', `'${s}' is not a port to publish`, {
      hint: 'use PORT or HOSTPORT:PORT, e.g. -p 8080 or -p 18080:8080 (TCP)',
    });
  }
  return { host: Number(m[1] ?? m[2]), container: Number(m[2]) };
}

/** The spec and the ports of a run. */
export async function prepareRun(
  r: RunRequest,
): Promise<{ spec: Record<string, unknown>; ports: Published[]; rootfs: string }> {
  const rootfs = await unpackedRootfs(r.image, r.cacheDir);
  const cfg = r.image.config.config ?? {};
  const text = (p: string) => readFile(join(rootfs, p), 'utf8').catch(() => '');
  const user = r.user ?? resolveUser(cfg.User, await text('etc/passwd'), await text('etc/group'));
  const args = r.command
    ? [...r.command, ...r.args]
    : [...(cfg.Entrypoint ?? []), ...(r.args.length ? r.args : (cfg.Cmd ?? []))];
  if (args.length === 0) {
    throw new AirlockError('usage', 'no-command', 'the image has no Entrypoint or Cmd and no command was given', {
      hint: 'give one after --',
    });
  }
  const exposed = Object.keys(cfg.ExposedPorts ?? {})
    .filter((p) => !p.endsWith('/udp'))
    .map((p) => p.replace(/\/tcp$/, ''));
  const ports = (r.publish.length ? r.publish : exposed).map(parsePublish);
  for (const p of r.optionalPorts ?? [])
    if (!ports.some((x) => x.container === p)) ports.push({ host: p, container: p, optional: true });
  const spec = runtimeSpec({
    rootfs,
    args,
    env: [...(cfg.Env ?? []), ...r.env],
    cwd: r.cwd ?? cfg.WorkingDir ?? '/',
    user,
    terminal: r.terminal,
    readOnlyRoot: true,
    tmpfs: r.tmpfs,
    binds: r.binds,
    hostname: r.hostname,
  });
  return { spec, ports, rootfs };
}

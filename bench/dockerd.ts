// A private Docker engine for benchmarks: Debian's docker.io (dockerd + the 20.10 client with BuildKit) with its own
// data-root, exec-root, pidfile and socket under one scratch folder, no bridge and no iptables rules (the host's
// networking and any other engine are left alone). Builds therefore need `--network=none` or `--network=host`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { killCgroup } from './cgroup.js';
import { runChild, type ChildResult } from './common.js';

/** Debian's docker.io paths: its client has BuildKit (the newer client some machines have in /usr/local/bin has no buildx). */
export const DOCKERD = '/usr/sbin/dockerd';
export const DOCKER = '/usr/bin/docker';

/** Why this machine cannot run the engine, or undefined when it can. */
export function dockerMissing(): string | undefined {
  const absent = [DOCKERD, DOCKER].filter((p) => !existsSync(p));
  if (absent.length) return `${absent.join(' and ')} not found: install Debian's docker.io (apt-get update && apt-get install docker.io)`;
  return undefined;
}

export interface Dockerd {
  /** The environment for the docker client: DOCKER_HOST, DOCKER_BUILDKIT=1 and a private DOCKER_CONFIG. */
  env: NodeJS.ProcessEnv;
  /** Server version, e.g. 20.10.24+dfsg1. */
  version: string;
  /** Runs the docker client against this engine; throws when it fails. */
  docker(args: readonly string[], opts?: { stdoutTo?: NodeJS.WritableStream }): Promise<ChildResult>;
  /** Stops the engine (TERM, KILL after 20 s) and its containers, unmounts and removes `dir`; calls share one stop. */
  stop(): Promise<void>;
}

/** Starts dockerd under `dir` (keep it short: the socket path must fit in 108 bytes) and waits until it answers. */
export async function startDockerd(dir: string): Promise<Dockerd> {
  mkdirSync(join(dir, 'config'), { recursive: true });
  const sock = join(dir, 'docker.sock');
  const logFd = openSync(join(dir, 'dockerd.log'), 'a');
  // Every container of this engine, BuildKit's RUN steps included, runs below this cgroup: stop() ends them there.
  const cgroup = `airlock-bench-${process.pid}-${randomBytes(4).toString('hex')}`;
  const proc: ChildProcess = spawn(DOCKERD, [
    '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'),
    '-H', `unix://${sock}`, '--bridge=none', '--iptables=false', '--ip6tables=false', '--log-level=warn',
    `--cgroup-parent=/${cgroup}`,
  ], { stdio: ['ignore', logFd, logFd], detached: true }); // own process group: a ^C reaches it only through stop()
  closeSync(logFd);
  let exited = false;
  proc.on('exit', () => { exited = true; });
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_BUILDKIT: '1', DOCKER_CONFIG: join(dir, 'config') };
  const docker: Dockerd['docker'] = async (args, opts = {}) => {
    const r = await runChild(DOCKER, args, { env, ...(opts.stdoutTo ? { stdoutTo: opts.stdoutTo } : {}) });
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.code ?? r.signal}):\n${r.stderr.slice(-3000)}`);
    return r;
  };
  // One shutdown, however many callers: a second call (the signal handler and a finally block both stop the engine)
  // awaits the first instead of returning at once and letting the bench exit while dockerd still runs.
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= shutdown());
  const shutdown = async () => {
    if (!exited && proc.pid) {
      const gone = new Promise<void>((res) => { if (exited) res(); else proc.once('exit', () => res()); });
      proc.kill('SIGTERM');
      const late = setTimeout(() => { if (!exited) proc.kill('SIGKILL'); }, 20_000);
      await gone;
      clearTimeout(late);
    }
    // A build step that was starting when dockerd stopped outlives its runc: end it before removing its root.
    await killCgroup(cgroup);
    unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = performance.now() + 60_000;
  for (;;) {
    const r = spawnSync(DOCKER, ['version', '--format', '{{.Server.Version}}'], { env, encoding: 'utf8' });
    if (r.status === 0) return { env, version: r.stdout.trim(), docker, stop };
    if (exited || performance.now() > deadline) {
      const log = existsSync(join(dir, 'dockerd.log')) ? readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-2000) : '';
      await stop();
      throw new Error(`dockerd did not start${exited ? ' (it exited)' : ' within 60 s'}:\n${log}`);
    }
    await new Promise((res) => setTimeout(res, 250));
  }
}

/** Lazily unmounts every mount point below `dir` (deepest first), as a killed dockerd may leave overlay mounts. */
function unmountUnder(dir: string): void {
  const points = readFileSync('/proc/self/mounts', 'utf8').split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((p): p is string => !!p && p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const p of points) spawnSync('umount', ['-l', p]);
}

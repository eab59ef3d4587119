// Starts Debian's dockerd (docker.io 20.10) privately for a test: its own data-root, exec-root, pidfile and socket, no
// bridge and no iptables (RUN steps then need --network=none or host). Its BuildKit is driven by Debian's
// /usr/bin/docker with DOCKER_BUILDKIT=1 (a newer client without buildx cannot).
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DOCKER_CLIENT = '/usr/bin/docker';

export interface TestDockerd {
  /** `unix://…` */
  host: string;
  /** Runs Debian's docker client against this daemon (BuildKit on). */
  docker(args: string[], opts?: { cwd?: string; timeoutMs?: number }): SpawnSyncReturns<string>;
  log(): string;
  stop(): Promise<void>;
}

/** Starts dockerd; resolves once `docker version` reaches the server. */
export async function startDockerd(): Promise<TestDockerd> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-dockerd-'));
  const sock = join(dir, 'docker.sock');
  const host = `unix://${sock}`;
  const logFile = join(dir, 'dockerd.log');
  const logFd = openSync(logFile, 'w');
  const child = spawn('dockerd', [
    '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'dockerd.pid'),
    '-H', host, '--bridge=none', '--iptables=false', '--ip-masq=false',
  ], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const env = { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '1', DOCKER_CONFIG: join(dir, 'client') };
  const docker = (args: string[], opts: { cwd?: string; timeoutMs?: number } = {}) => spawnSync(DOCKER_CLIENT, args, {
    env, cwd: opts.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: opts.timeoutMs ?? 10 * 60_000,
  });
  const log = () => readFileSync(logFile, 'utf8');
  for (let i = 0; ; i++) {
    if (docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 5000 }).status === 0) break;
    if (child.exitCode !== null || i > 60) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`dockerd did not start:\n${log().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    host, docker, log,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null) { child.kill('SIGKILL'); await exited; }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

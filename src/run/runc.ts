// Runs a container with runc from a spec, in the foreground, with its published ports bound to 127.0.0.1 on the host
// (each connection is carried into the container's network namespace by nsenter and assets/run/port-bridge.mjs).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AirlockError } from '../errors.js';
import type { Log } from '../log.js';

/** assets/run/port-bridge.mjs at the package root (two levels above src/run/ and dist/run/). */
const BRIDGE = fileURLToPath(new URL('../../assets/run/port-bridge.mjs', import.meta.url));

/** How long a stopped container has to exit before it is killed. */
export const STOP_GRACE_MS = 5000;

export interface Published {
  host: number;
  container: number;
  /** Skipped with a note when the host port is taken (a debugger port), instead of failing the run. */
  optional?: boolean;
}

/** Fails with what to install when runc (or nsenter, for ports) is missing, or when not root. */
export function checkRuntime(needNsenter: boolean, uid = process.getuid?.()): void {
  const missing = (tool: string, pkg: string) =>
    new AirlockError('usage', 'runtime-missing', `${tool} is not installed: airlock runs images with it`, {
      hint: `install it: apt-get install ${pkg} (Debian/Ubuntu), dnf install ${pkg} (Fedora)`,
    });
  if (spawnSync('runc', ['--version']).error) throw missing('runc', 'runc');
  if (needNsenter && spawnSync('nsenter', ['--version']).error) throw missing('nsenter', 'util-linux');
  if (uid !== 0) {
    throw new AirlockError(
      'usage',
      'runtime-needs-root',
      'airlock runs containers with runc as root; this process is not root',
      {
        hint: 'run it as root (sudo airlock …); rootless runc needs a user-namespace setup airlock does not make',
      },
    );
  }
}

function containerPid(id: string): number | undefined {
  const r = spawnSync('runc', ['state', id], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const state = JSON.parse(r.stdout) as { pid?: number; status?: string };
  return state.status === 'running' && state.pid ? state.pid : undefined;
}

async function waitForPid(id: string, child: ChildProcess): Promise<number | undefined> {
  for (let i = 0; i < 200 && child.exitCode === null; i++) {
    const pid = containerPid(id);
    if (pid) return pid;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

/**
 * Listens on 127.0.0.1:host for each published port, before the container starts (a busy port fails the run before
 * anything runs, and the port lines come before the container's output), and carries each connection into the
 * container once its process is known (`pid`; undefined: it never started, and connections are closed).
 */
async function publish(ports: Published[], pid: Promise<number | undefined>, log: Log): Promise<Server[]> {
  const servers: Server[] = [];
  for (const p of ports) {
    const server = createServer((socket) => {
      socket.pause();
      void pid.then((target) => {
        if (!target) {
          socket.destroy();
          return;
        }
        const bridge = spawn(
          'nsenter',
          ['--target', String(target), '--net', '--', process.execPath, BRIDGE, String(p.container)],
          { stdio: ['pipe', 'pipe', 'inherit'] },
        );
        socket.pipe(bridge.stdin);
        bridge.stdout.pipe(socket);
        socket.on('error', () => bridge.kill());
        bridge.on('close', () => socket.destroy());
      });
    });
    const listening = await new Promise<boolean>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        if (p.optional) {
          resolve(false);
          return;
        }
        reject(
          new AirlockError('usage', 'port-busy', `cannot listen on 127.0.0.1:${p.host}: ${e.code ?? e.message}`, {
            hint: 'publish it on another host port: -p OTHER:PORT',
          }),
        );
      });
      server.listen(p.host, '127.0.0.1', () => resolve(true));
    });
    if (!listening) {
      log.warn(`127.0.0.1:${p.host} is taken: port ${p.container} is not published`);
      continue;
    }
    log.info(`port ${p.container} of the container on 127.0.0.1:${p.host}`);
    servers.push(server);
  }
  return servers;
}

/** Runs `spec` with runc in the foreground (standard streams passed through) and returns the container's exit code. */
export async function runWithRunc(
  spec: Record<string, unknown>,
  opts: { ports: Published[]; log: Log },
): Promise<number> {
  const bundle = await mkdtemp(join(tmpdir(), 'airlock-bundle-'));
  const id = `airlock-${process.pid}-${randomBytes(4).toString('hex')}`;
  let servers: Server[] = [];
  // The container's first process ignores signals it has no handler for (it is pid 1): forward the signal, and kill
  // it when it is still running a grace period later (or at a second signal).
  let grace: NodeJS.Timeout | undefined;
  const kill = () => {
    spawnSync('runc', ['kill', id, 'KILL']);
  };
  const forward = (sig: NodeJS.Signals) => () => {
    if (grace) {
      kill();
      return;
    }
    spawnSync('runc', ['kill', id, sig === 'SIGINT' ? 'INT' : 'TERM']);
    grace = setTimeout(kill, STOP_GRACE_MS);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  let started: (pid: number | undefined) => void = () => {};
  const pid = new Promise<number | undefined>((resolve) => (started = resolve));
  try {
    await writeFile(join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
    servers = await publish(opts.ports, pid, opts.log);
    const child = spawn('runc', ['run', '--bundle', bundle, id], { stdio: 'inherit' });
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const exited = new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
    });
    if (opts.ports.length) started(await waitForPid(id, child));
    return await exited;
  } finally {
    started(undefined);
    clearTimeout(grace);
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    for (const s of servers) s.close();
    spawnSync('runc', ['delete', '--force', id], { stdio: 'ignore' });
    await rm(bundle, { recursive: true, force: true });
  }
}

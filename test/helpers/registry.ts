// Starts a real docker-registry (distribution 2.8) on 127.0.0.1 with its own config and temp storage, for tests.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running test registry. */
export interface TestRegistry {
  /** "127.0.0.1:PORT" */
  host: string;
  /** Storage root (to inspect or corrupt in tests). */
  storage: string;
  /** The registry's config file (for `docker-registry garbage-collect`). */
  config: string;
  /** Stops the registry process and keeps its files (e.g. to garbage-collect its storage offline). */
  halt(): Promise<void>;
  /** Stops the registry and removes its files. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `docker-registry serve` on a free port; resolves once `GET /v2/` answers. */
export async function startRegistry(): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-registry-'));
  const port = await freePort();
  const storage = join(dir, 'storage');
  const cfg = join(dir, 'config.yml');
  writeFileSync(cfg, [
    'version: 0.1',
    'log:', '  level: error', '  accesslog:', '    disabled: true',
    'storage:', '  filesystem:', `    rootdirectory: ${storage}`, '  delete:', '    enabled: true',
    'http:', `  addr: 127.0.0.1:${port}`, '',
  ].join('\n'));
  // Its log goes to a file, not a pipe: a test blocked in spawnSync could not drain a pipe, and a registry
  // blocked on a full pipe stops answering.
  const logFile = join(dir, 'registry.log');
  const logFd = openSync(logFile, 'w');
  const child = spawn('docker-registry', ['serve', cfg], { stdio: ['ignore', 'ignore', logFd] });
  closeSync(logFd);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const host = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`http://${host}/v2/`);
      if (res.status === 200) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null || i > 100) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not start: ${readFileSync(logFile, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const halt = async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  return {
    host, storage, config: cfg, halt,
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

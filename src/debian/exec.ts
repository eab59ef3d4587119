// Runs a tool (apt-get, dpkg-deb, mmdebstrap, tar) and collects its output. The other spawns in src/debian stream:
// deb-read.ts (a data tar read as it comes, the long-lived control readers).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AirlockError } from '../errors.js';

/** util-linux's setpriv: sets the parent-death signal of a child (PR_SET_PDEATHSIG), which node cannot. */
const SETPRIV = '/usr/bin/setpriv';

/** Result of a finished process. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawns `cmd args` and resolves when it exits (never rejects on a non-zero exit; a missing tool is an AirlockError). */
export function exec(
  cmd: string,
  args: string[],
  opts: {
    env?: Record<string, string>; cwd?: string; onStderr?: (s: string) => void; stdoutFile?: number; dieWithParent?: boolean;
  } = {},
): Promise<ExecResult> {
  // A long job writing into the cache (mmdebstrap, tar -x) is killed with airlock: left running after a crash, it
  // would go on writing into a folder the next run is removing.
  const bound = opts.dieWithParent && existsSync(SETPRIV);
  const [file, argv] = bound ? [SETPRIV, ['--pdeathsig', 'KILL', '--', cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', opts.stdoutFile ?? 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => { err.push(b); opts.onStderr?.(b.toString()); });
    child.on('error', (e) =>
      reject(new AirlockError('packages', 'tool-missing', `cannot run ${cmd}: ${e.message}`, { hint: 'run scripts/setup.sh to install the tools airlock needs', cause: e })),
    );
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
}

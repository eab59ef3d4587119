// Runs one build step inside bubblewrap over a builder root file system: the only place that spawns build processes.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import type { Log } from '../log.js';
import { stepSeccompFilter } from './seccomp.js';

export interface Bind {
  /** Path on the host. */
  host: string;
  /** Absolute path inside the sandbox. */
  path: string;
  writable: boolean;
}

export interface SandboxOptions {
  /** Extracted builder root file system (never written to: every top-level entry is bound read-only). */
  rootfs: string;
  binds: Bind[];
  env: Record<string, string>;
  cwd: string;
  /** Network only for fetch steps. */
  network: boolean;
  log: Log;
  /** Host files made visible when the network is shared (resolver config, CA bundle). */
  networkFiles?: string[];
  /** Build secrets: copied through a pipe into /run/secrets/ID (a tmpfs, mode 0400), `env` exported from that file. */
  secrets?: { id: string; value: Uint8Array; env?: string }[];
}

/** Where build secrets appear in the sandbox. */
export const SECRETS_DIR = '/run/secrets';
/** The first file descriptor of the secrets' pipes (0-2 are stdio); the seccomp filter's pipe comes after them. */
const SECRET_FD = 3;

/** The seccomp program every step runs under (seccomp.ts), when this host's architecture has one. */
const SECCOMP = stepSeccompFilter();

export interface StepResult {
  code: number;
  /** Last lines of combined output, for error messages. */
  tail: string[];
}

/**
 * Binds the rootfs directory `hostDir` at `at` read-only. A directory on the way to a path in `extra` (a file that
 * must appear although the rootfs lacks it, e.g. /etc/hosts) becomes a tmpfs holding read-only binds of its entries,
 * so the extra file can be created there without touching the cached rootfs.
 */
function mountTree(args: string[], hostDir: string, at: string, extra: readonly string[], skip: readonly string[] = []): void {
  for (const name of readdirSync(hostDir).sort()) {
    if (skip.includes(name)) continue;
    const p = join(hostDir, name);
    const target = `${at === '/' ? '' : at}/${name}`;
    const st = lstatSync(p);
    const below = extra.filter((e) => e.startsWith(`${target}/`));
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(p), target);
    else if (st.isDirectory() && below.length > 0 && below.some((e) => !existsSync(join(hostDir, e.slice(at.length === 1 ? 1 : at.length + 1))))) {
      args.push('--tmpfs', target);
      mountTree(args, p, target, below);
    } else if (st.isDirectory() || st.isFile()) args.push('--ro-bind', p, target);
  }
}

/** Where bwrap itself is looked up: the airlock's environment is not passed to it (see runInSandbox). */
const BWRAP_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The bwrap argument list for a sandbox (exported for tests). */
export function bwrapArgs(opts: Omit<SandboxOptions, 'log'>, command: string): string[] {
  // No capabilities (even as uid 0: no mount, no raw devices, no setuid gains), no environment of ours.
  const args = ['--unshare-all', '--die-with-parent', '--new-session', '--clearenv', '--cap-drop', 'ALL'];
  if (opts.network) args.push('--share-net');
  const netFiles = opts.network ? opts.networkFiles ?? ['/etc/resolv.conf', '/etc/hosts'] : [];
  // A tmpfs root with each top-level entry of the builder bound read-only: mount points for /src and the
  // output (and host files for fetch steps) can be created without touching the cached rootfs.
  args.push('--tmpfs', '/');
  mountTree(args, opts.rootfs, '/', netFiles.filter((f) => existsSync(f)), ['proc', 'dev', 'tmp', 'sys', 'run']);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/run', '--dir', '/tmp/home');
  for (const f of netFiles) args.push('--ro-bind-try', f, f);
  for (const b of opts.binds) args.push(b.writable ? '--bind' : '--ro-bind', b.host, b.path);
  const secrets = opts.secrets ?? [];
  if (secrets.length) args.push('--perms', '0700', '--dir', SECRETS_DIR);
  secrets.forEach((s, i) => args.push('--perms', '0400', '--file', String(SECRET_FD + i), `${SECRETS_DIR}/${s.id}`));
  // The tmpfs root read-only once everything is mounted: only /src, the output, /tmp and /run take writes.
  args.push('--remount-ro', '/');
  // No ptrace or process_vm_* of anything (seccomp.ts); bwrap also sets no_new_privs, so setuid files gain nothing.
  if (SECCOMP) args.push('--seccomp', String(SECRET_FD + secrets.length));
  for (const [k, v] of Object.entries(opts.env).sort(([a], [b]) => (a < b ? -1 : 1))) args.push('--setenv', k, v);
  // Variables are set from the files inside, so no value is ever on a command line.
  const exports = secrets.filter((s) => s.env).map((s) => `export ${s.env}="$(cat ${SECRETS_DIR}/${s.id})"\n`).join('');
  args.push('--chdir', opts.cwd, '/bin/sh', '-ec', exports + command);
  return args;
}

/** Runs `command` with /bin/sh -e in the sandbox, streaming its output live to the log. */
export function runInSandbox(opts: SandboxOptions, command: string): Promise<StepResult> {
  const args = bwrapArgs(opts, command);
  return new Promise((resolve, reject) => {
    // bwrap's own environment stays readable inside (its pid-1 helper's /proc/1/environ): give it nothing of ours.
    const secrets = opts.secrets ?? [];
    const fed = [...secrets.map((s) => s.value), ...(SECCOMP ? [SECCOMP] : [])];
    const stdio = ['ignore', 'pipe', 'pipe', ...fed.map(() => 'pipe' as const)] as const;
    const child = spawn('bwrap', args, { stdio: [...stdio], env: { PATH: BWRAP_PATH } });
    for (const [i, bytes] of fed.entries()) {
      const pipe = child.stdio[SECRET_FD + i] as NodeJS.WritableStream;
      pipe.on('error', () => {}); // bwrap failed before reading it: its exit code says why
      pipe.end(bytes);
    }
    const tail: string[] = [];
    let partial = '';
    const onData = (buf: Buffer) => {
      const text = buf.toString('utf8');
      opts.log.output(text);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      tail.push(...lines);
      if (tail.length > 40) tail.splice(0, tail.length - 40);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', (e) =>
      reject(new AirlockError('build', 'sandbox-unavailable', `cannot start bubblewrap: ${e.message}`, { hint: 'install the bubblewrap package (npm run setup does this)', cause: e })),
    );
    child.on('close', (code, signal) => {
      if (partial) tail.push(partial);
      resolve({ code: code ?? (signal ? 128 : 1), tail: tail.slice(-20) });
    });
  });
}

/** Runs a named step and throws a build error (exit 4) naming the step, its exit code and its last lines. */
export async function runStep(opts: SandboxOptions, name: string, command: string): Promise<void> {
  opts.log.info(`==> ${name}: ${command}`);
  const r = await runInSandbox(opts, command);
  if (r.code !== 0) {
    throw new AirlockError('build', 'step-failed', `${name} failed with exit code ${r.code}: ${command}\n${r.tail.map((l) => `  | ${l}`).join('\n')}`, {
      hint: 'fix the step in build.* of the config; the dev image is not written when a step fails',
    });
  }
}

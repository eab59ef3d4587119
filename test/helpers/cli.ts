// Runs the airlock CLI from source (through tsx) as a child process, as a user would.
import { spawn } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult { code: number; stdout: string; stderr: string }

/** `airlock ...args` with the given cwd/env; never throws on a non-zero exit. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; prefix?: string[]; main?: string } = {}): Promise<CliResult> {
  const main = opts.main ?? join(repoRoot, 'src', 'cli', 'main.ts');
  // tsx by its resolved URL: a bare 'tsx' would be looked up from the child's cwd, which may be any folder.
  const argv = [...(opts.prefix ?? []), process.execPath, '--import', import.meta.resolve('tsx'), main, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd ?? repoRoot, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Copies a test project from test/fixtures/lang into a fresh temp folder. */
export async function copyFixture(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `airlock-${name}-`));
  await cp(join(repoRoot, 'test', 'fixtures', 'lang', name), dir, { recursive: true });
  return dir;
}

/** Copies an example project into a fresh temp folder (so locks and outputs never land in the checkout). */
export async function copyExample(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `airlock-${name}-`));
  await cp(join(repoRoot, 'examples', name), dir, { recursive: true, filter: (p) => !p.includes('airlock-out') && !p.endsWith('airlock.lock.json') });
  return dir;
}

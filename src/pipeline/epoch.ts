// The one clock every image sees: SOURCE_DATE_EPOCH, else the source's last git commit, else the package index date.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AirlockError } from '../errors.js';

export interface Epoch {
  seconds: number;
  from: 'SOURCE_DATE_EPOCH' | 'git' | 'package-index';
}

/** Parses SOURCE_DATE_EPOCH strictly (a non-negative integer). */
export function parseSourceDateEpoch(value: string): number {
  if (!/^\d{1,12}$/.test(value.trim())) {
    throw new AirlockError('usage', 'bad-epoch', `SOURCE_DATE_EPOCH must be a whole number of seconds, got '${value}'`, { hint: 'e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)' });
  }
  return Number(value.trim());
}

/**
 * False only when git could not find a repository for `dir`: no `.git` (folder or file) in it or above it, and no
 * GIT_DIR or GIT_WORK_TREE. Then no git process is started (one costs a rebuild some 20 ms).
 */
export function mayBeInGitRepo(dir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.GIT_DIR || env.GIT_WORK_TREE) return true;
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
  }
}

/** Last commit time of the git work tree containing `dir`, when there is one and it is clean enough to trust. */
export function gitCommitTime(dir: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (!mayBeInGitRepo(dir, env)) return undefined;
  const r = spawnSync('git', ['-C', dir, 'log', '-1', '--format=%ct', '--', '.'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const s = r.stdout.trim();
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

/** Picks the epoch by the documented order. */
export function chooseEpoch(env: NodeJS.ProcessEnv, sourceDir: string, indexEpoch: number): Epoch {
  const sde = env.SOURCE_DATE_EPOCH;
  if (sde !== undefined && sde !== '') return { seconds: parseSourceDateEpoch(sde), from: 'SOURCE_DATE_EPOCH' };
  const git = gitCommitTime(sourceDir, env);
  if (git !== undefined) return { seconds: git, from: 'git' };
  return { seconds: indexEpoch, from: 'package-index' };
}

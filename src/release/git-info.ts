// The git branch and commit of the project folder, for dev and test tags (`REPO/dev:<branch>`, `:<commit>`).
import { spawnSync } from 'node:child_process';
import { AirlockError } from '../errors.js';

/** The short commit of HEAD, and its branch unless HEAD is detached. */
export interface GitInfo { commit: string; branch?: string }

function git(dir: string, args: string[]): string | undefined {
  const r = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Reads the branch and short commit of the work tree holding `dir`; not a git work tree is a usage error. */
export function readGitInfo(dir: string): GitInfo {
  const commit = git(dir, ['rev-parse', '--short', 'HEAD']);
  if (!commit) {
    throw new AirlockError('usage', 'no-git-commit', `${dir} is not in a git work tree with a commit`, {
      hint: 'dev and test images are tagged by branch and commit: publish from a git checkout of the project',
    });
  }
  const branch = git(dir, ['symbolic-ref', '--short', '-q', 'HEAD']);
  return { commit, ...(branch ? { branch } : {}) };
}

/** A branch name as a tag: characters a tag cannot hold become '-', at most 128 characters. */
export function branchTag(branch: string): string {
  const tag = branch.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '').slice(0, 128);
  return tag || 'branch';
}

// The epoch: SOURCE_DATE_EPOCH, else the last commit of a git work tree, else the package index date; git is asked
// only where a repository can be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseEpoch, mayBeInGitRepo } from './epoch.js';

test('the epoch comes from SOURCE_DATE_EPOCH, then the last commit touching the source, then the index date', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-epoch-'));
  try {
    const src = join(dir, 'app');
    mkdirSync(src);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
    assert.equal(mayBeInGitRepo(src, env), false, 'no .git here or above (the temp folder is outside any repository)');
    assert.deepEqual(chooseEpoch(env, src, 1700000000), { seconds: 1700000000, from: 'package-index' });
    assert.deepEqual(chooseEpoch({ ...env, SOURCE_DATE_EPOCH: '1234' }, src, 1700000000), { seconds: 1234, from: 'SOURCE_DATE_EPOCH' });
    assert.equal(mayBeInGitRepo(src, { ...env, GIT_DIR: join(dir, 'elsewhere.git') }), true, 'GIT_DIR names a repository anywhere');

    const git = (...args: string[]) => {
      const r = spawnSync('git', ['-C', dir, ...args], { env: { ...env, GIT_AUTHOR_DATE: '1600000000 +0000', GIT_COMMITTER_DATE: '1600000000 +0000' }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    };
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '--allow-empty', '-m', 'first');
    writeFileSync(join(src, 'main.c'), 'int main(void) { return 0; }\n');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'app');
    assert.equal(mayBeInGitRepo(src, env), true, 'the .git of a folder above counts');
    assert.deepEqual(chooseEpoch(env, src, 1700000000), { seconds: 1600000000, from: 'git' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The builder root file system: mmdebstrap from a local copy:// repo of the verified .debs, no network, cached by set hash.
import { createHash } from 'node:crypto';
import { restampLinked } from '../cache/verify-once.js';
import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import type { Log } from '../log.js';
import type { Lock } from './types.js';
import { touchCacheEntry } from '../cache/touch.js';
import { exec } from './exec.js';
import { fetchPackages } from './fetch.js';
import { withFileLock } from '../files/file-lock.js';

/** Bump when the way the rootfs is made changes, so cached trees are rebuilt. */
export const ROOTFS_RECIPE = 1;

/** The cached builder rootfs: a tar (byte-reproducible) and the same tree extracted for the sandbox. */
export interface BuilderRootfs {
  tar: string;
  dir: string;
  key: string;
}

/** Cache key of a builder set: every locked (name, version, arch, sha256), the epoch and the recipe version. */
export function builderSetKey(lock: Lock): string {
  const h = createHash('sha256');
  h.update(`airlock-rootfs ${ROOTFS_RECIPE}\n${lock.codename} ${lock.architecture} ${lock.indexEpoch}\n`);
  for (const p of [...lock.sets.builder].sort((a, b) => (a.name < b.name ? -1 : 1))) h.update(`${p.name} ${p.version} ${p.architecture} ${p.sha256}\n`);
  return h.digest('hex').slice(0, 32);
}

function linkOrCopy(from: string, to: string): void {
  try { linkSync(from, to); } catch { copyFileSync(from, to); }
}

async function run(cmd: string, args: string[], what: string, env?: Record<string, string>, log?: Log): Promise<void> {
  const r = await exec(cmd, args, { env, onStderr: log ? (s) => log.output(s) : undefined, dieWithParent: true });
  if (r.code !== 0) {
    throw new AirlockError('packages', 'rootfs-failed', `${what} failed (exit ${r.code}):\n${r.stderr.trim().split('\n').slice(-15).join('\n')}`, {
      hint: 'the builder set could not be installed; check the package list, or re-lock with `airlock lock --update`',
    });
  }
}

/** Builds (or reuses) the builder rootfs of the lock under `<cache>/rootfs/<key>.tar` and `<cache>/rootfs/<key>/`. */
export async function ensureBuilderRootfs(lock: Lock, opts: { cache: string; log: Log; offline: boolean }): Promise<BuilderRootfs> {
  const key = builderSetKey(lock);
  const base = join(opts.cache, 'rootfs');
  const tar = join(base, `${key}.tar`);
  const dir = join(base, key);
  mkdirSync(base, { recursive: true });
  // Touching is the existence check: a use recorded before a prune looks keeps the entry (src/cache/touch.ts).
  const used = async () => (await touchCacheEntry(tar)) && (await touchCacheEntry(dir));
  if (await used()) return { tar, dir, key };
  const debs = existsSync(tar) ? new Map<string, string>() : await fetchPackages(lock, lock.sets.builder, { cacheDir: opts.cache, log: opts.log, offline: opts.offline });
  return withFileLock(join(base, `${key}.lock`), async () => {
    // Leftovers of killed runs for this key (we hold its lock, so no airlock is using them). A killed run's mmdebstrap
    // children (apt, dpkg) may still be writing into its work folder for a while: a folder that cannot be removed yet
    // is left, under its dead run's name, to the next build or `airlock cache prune` (this run works in its own).
    for (const f of readdirSync(base)) {
      const left = f.startsWith(`${key}.work-`) || f.startsWith(`${key}.extract-`);
      if (left && !f.endsWith(`-${process.pid}`)) {
        try { rmSync(join(base, f), { recursive: true, force: true, maxRetries: 5 }); } catch { /* still written to: left for later */ }
      }
    }
    if (!existsSync(tar)) {
      const work = join(base, `${key}.work-${process.pid}`);
      rmSync(work, { recursive: true, force: true });
      const repo = join(work, 'repo');
      mkdirSync(repo, { recursive: true });
      try {
        for (const p of lock.sets.builder) linkOrCopy(debs.get(p.sha256)!, join(repo, `${p.name}_${p.version.replace(/:/g, '%3a')}_${p.architecture}.deb`));
        const scan = await exec('dpkg-scanpackages', ['-m', '.', '/dev/null'], { cwd: repo });
        if (scan.code !== 0) throw new AirlockError('packages', 'rootfs-failed', `dpkg-scanpackages failed: ${scan.stderr.trim()}`);
        writeFileSync(join(repo, 'Packages'), scan.stdout);
        const names = lock.sets.builder.map((p) => p.name).sort();
        opts.log.info(`building the builder rootfs (${names.length} packages, no network)`);
        const out = join(work, 'rootfs.tar');
        await run('unshare', [
          '-n', 'mmdebstrap', '--mode=unshare', '--variant=apt', '--format=tar', '--quiet',
          `--architectures=${lock.architecture}`, `--include=${names.join(',')}`,
          '--aptopt=Acquire::Languages "none"',
          '--customize-hook=rm -f "$1/etc/apt/sources.list"',
          lock.codename, out, `deb [trusted=yes] copy://${repo} ./`,
        ], 'mmdebstrap', { SOURCE_DATE_EPOCH: String(lock.indexEpoch), LC_ALL: 'C', TMPDIR: work }, undefined);
        renameSync(out, tar);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
      // Linking the .debs into the repository moved only their ctime: their verification records follow (a tick
      // later: a record written in the tick of the entry's change is dropped as racy).
      await new Promise((r) => setTimeout(r, 20));
      for (const path of new Set(debs.values())) await restampLinked(path);
    }
    if (!existsSync(dir)) {
      const tmp = `${dir}.extract-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      try {
        await run('tar', ['--numeric-owner', '-xpf', tar, '-C', tmp], 'extracting the builder rootfs');
        renameSync(tmp, dir);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    // The extracted tree keeps the archive's (epoch) time: both are marked as used now.
    await used();
    return { tar, dir, key };
  });
}

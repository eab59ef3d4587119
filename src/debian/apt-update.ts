// Refreshes the cached apt lists of a private apt dir (signature-checked by apt); classifies apt's failures.
import { existsSync, statSync, utimesSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import type { Log } from '../log.js';
import type { AptDir } from './apt-dir.js';
import { exec } from './exec.js';
import { withFileLock } from '../files/file-lock.js';

/** Lists older than this are refreshed (unless offline). */
export const LISTS_MAX_AGE_S = 24 * 3600;

/** Turns apt-get update output into a distinct AirlockError (bad signature, unreachable mirror, other). */
export function classifyUpdateFailure(output: string, dir: AptDir): AirlockError {
  const lines = output.split('\n').filter((l) => /^(E|W|Err):?/.test(l.trim())).slice(0, 8).join('\n');
  const repos = dir.sources.map((s) => `${s.uri} ${s.suite}`).join(', ');
  if (/NO_PUBKEY|is not signed|BADSIG|signatures (couldn't be verified|were invalid)|EXPKEYSIG|Signed-By|OpenPGP signature verification failed|not signed/i.test(output)) {
    return new AirlockError('packages', 'bad-signature', `the InRelease signature of ${repos} could not be verified:\n${lines}`, {
      hint: 'check Signed-By / the keyring given for this repository; airlock refuses unsigned or wrongly signed indexes',
    });
  }
  if (/Could not resolve|Failed to fetch|Unable to connect|Temporary failure|Connection (refused|failed|timed out)|404\s+Not Found|Could not connect|No route/i.test(output)) {
    return new AirlockError('packages', 'mirror-unreachable', `cannot download the package indexes of ${repos}:\n${lines}`, {
      hint: 'check the network and the repository URI, or use --offline with lists cached by an earlier run',
    });
  }
  return new AirlockError('packages', 'apt-update-failed', `apt-get update failed for ${repos}:\n${lines || output.slice(-2000)}`, {
    hint: 'run again with --update; if it persists, check the sources',
  });
}

function haveLists(dir: AptDir): boolean {
  return existsSync(dir.listsDir) && readdirSync(dir.listsDir).some((n) => n.endsWith('_InRelease'));
}

/** Runs `fn` holding the private apt dir's lock (list updates and reads never interleave between processes). */
export function withAptLock<T>(dir: AptDir, fn: () => Promise<T>): Promise<T> {
  return withFileLock(join(dir.root, 'lock'), fn);
}

/** Makes sure the private lists exist and are fresh: downloads when missing, asked (`update`) or older than a day. Call under withAptLock. */
export async function ensureLists(dir: AptDir, opts: { offline: boolean; update: boolean; log: Log; now: number }): Promise<void> {
  const stamp = join(dir.root, 'updated');
  const age = existsSync(stamp) ? opts.now / 1000 - statSync(stamp).mtimeMs / 1000 : Infinity;
  const fresh = haveLists(dir) && age < LISTS_MAX_AGE_S && age > -60; // a stamp from the future is not trusted
  if (opts.offline) {
    if (!haveLists(dir)) {
      throw new AirlockError('packages', 'offline-no-lists', `offline, and no package indexes are cached for ${dir.sources.map((s) => `${s.uri} ${s.suite}`).join(', ')}`, {
        hint: 'run once without --offline (e.g. `airlock lock`) to fill the cache',
      });
    }
    return;
  }
  if (fresh && !opts.update) return;
  opts.log.info(`updating package indexes (${dir.sources.length} repositories)`);
  const r = await exec('apt-get', ['update', '-q', '--error-on=any'], { env: dir.env });
  if (r.code !== 0) throw classifyUpdateFailure(`${r.stdout}\n${r.stderr}`, dir);
  writeFileSync(stamp, '');
  const t = new Date(opts.now);
  utimesSync(stamp, t, t);
}

// `airlock cache verify`: every content-addressed entry is hashed and compared with the digest in its name, every
// record must parse, a builder rootfs tarball must match its recorded sha256. What fails is removed (a build then
// fetches or rebuilds it), so a cache that was damaged (a killed writer, a full disk, a bad disk) heals.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { hashFile } from '../files/file-hash.js';
import { CONTENT_STORES, RECORD_FOLDERS, type EntryKind } from './layout.js';
import { verifiedRecordPath } from './verify-once.js';

/** One entry that failed, and why. */
export interface BadEntry {
  kind: EntryKind | 'verified';
  /** Relative to the cache folder. */
  path: string;
  problem: string;
}

export interface VerifyReport {
  checked: number;
  bytes: number;
  bad: BadEntry[];
  /** False with `dryRun`: the bad entries are only listed. */
  removed: boolean;
}

const HEX = /^[0-9a-f]+$/;

function list(dir: string): string[] {
  try { return readdirSync(dir).sort(); } catch { return []; }
}

/** Digest of a file, or undefined when it vanished meanwhile (a prune running now). */
async function digestOf(path: string, algorithm: 'sha256' | 'sha512'): Promise<string | undefined> {
  try { return await hashFile(path, algorithm); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function parses(path: string): boolean | undefined {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return undefined; }
  try { JSON.parse(text); return true; } catch { return false; }
}

/** Checks (and unless `dryRun`, removes what fails) every verifiable entry of the cache. */
export async function verifyCache(cacheDir: string, opts: { dryRun: boolean }): Promise<VerifyReport> {
  const report: VerifyReport = { checked: 0, bytes: 0, bad: [], removed: !opts.dryRun };
  const bad = async (kind: BadEntry['kind'], paths: string[], problem: string) => {
    report.bad.push({ kind, path: relative(cacheDir, paths[0]!), problem });
    if (!opts.dryRun) for (const p of paths) await rm(p, { recursive: true, force: true });
  };
  for (const store of CONTENT_STORES) {
    const dir = join(cacheDir, ...store.dir);
    const algorithm = store.hexLength === 128 ? 'sha512' : 'sha256';
    for (const name of list(dir).filter((n) => n.length === store.hexLength && HEX.test(n))) {
      const path = join(dir, name);
      const got = await digestOf(path, algorithm);
      if (got === undefined) continue;
      report.checked++;
      report.bytes += statSize(path);
      if (got !== name) await bad(store.kind, [path, verifiedRecordPath(path)], `its ${algorithm} is ${got}`);
    }
    const verified = join(cacheDir, ...store.dir.slice(0, -1), 'verified');
    for (const name of list(verified).filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
      report.checked++;
      if (parses(join(verified, name)) === false) await bad('verified', [join(verified, name)], 'not valid JSON');
    }
  }
  for (const kind of RECORD_FOLDERS) {
    const dir = join(cacheDir, kind);
    for (const name of list(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
      report.checked++;
      if (parses(join(dir, name)) === false) await bad(kind, [join(dir, name)], 'not valid JSON');
    }
  }
  // A builder rootfs: <key>.tar against the sha256 recorded beside it (written once the tarball was complete).
  const rootfs = join(cacheDir, 'rootfs');
  for (const name of list(rootfs).filter((n) => /^[0-9a-f]{32}\.tar\.sha256$/.test(n))) {
    const tar = join(rootfs, name.slice(0, -'.sha256'.length));
    const want = readText(join(rootfs, name));
    const got = await digestOf(tar, 'sha256');
    if (got === undefined || want === undefined) continue;
    report.checked++;
    report.bytes += statSize(tar);
    if (want !== `sha256:${got}`) {
      const key = name.slice(0, 32);
      await bad('rootfs', [tar, join(rootfs, name), join(rootfs, key)], `its sha256 is ${got}, recorded ${want}`);
    }
  }
  return report;
}

function readText(path: string): string | undefined {
  try { return readFileSync(path, 'utf8').trim(); } catch { return undefined; }
}

function statSize(path: string): number {
  try { return lstatSync(path).size; } catch { return 0; }
}

// `airlock cache prune`: removes least recently used entries while builds may be running. A running build's hold
// (hold.ts) keeps everything it used since it began; prune's own lock keeps two prunes apart.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from '../files/file-lock.js';
import { cacheUsage } from './du.js';
import { holdsDir, liveHolds } from './hold.js';
import { scanEntries, type CacheEntry } from './scan.js';
import { selectPrune, type PruneReason } from './select.js';
import { staleTemps } from './temps.js';

/** File times come from a coarser clock than Date.now(): uses this close before a hold began still count. */
const CLOCK_SLACK_MS = 2000;
/** With no build running, a time further ahead than this is a clock that was set back (or faked), not a use. */
const FUTURE_MS = 24 * 60 * 60 * 1000;

export interface PruneOptions {
  keepDays?: number;
  maxSize?: number;
  dryRun: boolean;
  now: number;
}

/** What prune did (or, with dryRun, would do). */
export interface PruneReport {
  dryRun: boolean;
  keepDays: number | null;
  maxSize: number | null;
  before: number;
  after: number;
  fits: boolean;
  removed: { kind: string; path: string; size: number; lastUsed: string; reason: PruneReason }[];
  /** Entries that would have gone but a running build (or a use during this run) holds them. */
  held: { count: number; bytes: number; builds: number };
  temps: { count: number; bytes: number };
}

/** Removes a tree, making read-only folders writable first when the plain removal is refused. */
async function removeTree(path: string): Promise<void> {
  try { await rm(path, { recursive: true, force: true }); return; } catch (e) {
    if (!['EACCES', 'EPERM', 'ENOTEMPTY'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  }
  const open = async (p: string): Promise<void> => {
    if (!lstatSync(p).isDirectory()) return;
    await chmod(p, 0o700);
    for (const n of await readdir(p)) await open(join(p, n));
  };
  await open(path);
  await rm(path, { recursive: true, force: true });
}

const mtimeOf = (path: string) => { try { return lstatSync(path).mtimeMs; } catch { return 0; } };

/**
 * Removes one entry unless a build uses it right now: its paths are renamed into tmp/ (atomic), then their times are
 * read again, with the times of the records naming it: a time that `isUse` takes for a use puts everything back.
 */
export async function removeEntry(cacheDir: string, entry: CacheEntry, referrers: string[], isUse: (mtime: number) => boolean) {
  const moved: [from: string, to: string][] = [];
  const putBack = async () => {
    for (const [from, to] of moved) await rename(to, from).catch(() => removeTree(to)); // a new copy took its place
  };
  for (const from of entry.paths) {
    const to = join(cacheDir, 'tmp', `prune-${process.pid}-${randomBytes(6).toString('hex')}`);
    try { await rename(from, to); moved.push([from, to]); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      await putBack();
      throw e;
    }
  }
  if ([...moved.map(([, to]) => to), ...referrers].some((p) => isUse(mtimeOf(p)))) {
    await putBack();
    return false;
  }
  for (const [, to] of moved) await removeTree(to);
  return true;
}

const limitsOf = ({ keepDays, maxSize }: PruneOptions) =>
  ({ ...(keepDays !== undefined ? { keepDays } : {}), ...(maxSize !== undefined ? { maxSize } : {}) });

/** Prunes the cache by age and size; see README.md for the rules. */
export async function pruneCache(cacheDir: string, opts: PruneOptions): Promise<PruneReport> {
  const base = { dryRun: opts.dryRun, keepDays: opts.keepDays ?? null, maxSize: opts.maxSize ?? null };
  const none = { count: 0, bytes: 0 };
  if (!existsSync(cacheDir)) {
    return { ...base, before: 0, after: 0, fits: true, removed: [], held: { ...none, builds: 0 }, temps: none };
  }
  await mkdir(join(cacheDir, 'tmp'), { recursive: true });
  const report = await withFileLock(join(holdsDir(cacheDir), 'prune.lock'), async () => {
    const holds = await liveHolds(cacheDir);
    const heldFrom = Math.min(opts.now, ...holds.map((h) => h.start)) - CLOCK_SLACK_MS;
    const future = (t: number) => holds.length === 0 && t > opts.now + FUTURE_MS;
    const isUse = (t: number) => t >= heldFrom && !future(t);
    const before = cacheUsage(cacheDir).total;
    const entries = scanEntries(cacheDir).map((e) => (future(e.lastUse) ? { ...e, lastUse: 0 } : e));
    const fixedSize = Math.max(0, before - entries.reduce((n, e) => n + e.size, 0));
    const selection = selectPrune(entries, { now: opts.now, heldFrom, fixedSize, ...limitsOf(opts) });
    const byId = new Map(entries.map((e) => [e.id, e]));
    const held = selection.held.map((id) => byId.get(id)!);
    const heldBytes = held.reduce((n, e) => n + e.size, 0);
    const report: PruneReport = {
      ...base, before, after: selection.after, fits: selection.fits, removed: [],
      held: { count: held.length, bytes: heldBytes, builds: holds.length }, temps: none,
    };
    const temps = staleTemps(cacheDir, opts.now);
    report.temps = { count: temps.length, bytes: temps.reduce((n, t) => n + t.size, 0) };
    // Records first: a build then finds no record rather than a record without its content.
    const namesContent = (id: string) => Number(byId.get(id)!.refs.length > 0);
    const order = [...selection.remove].sort((a, b) => namesContent(b.id) - namesContent(a.id));
    const referrers = new Map<string, string[]>();
    for (const r of entries) for (const hex of r.refs) referrers.set(hex, [...(referrers.get(hex) ?? []), ...r.paths]);
    for (const { id, reason } of order) {
      const e = byId.get(id)!;
      const namedBy = e.content === undefined ? [] : referrers.get(e.content) ?? [];
      if (!opts.dryRun && !(await removeEntry(cacheDir, e, namedBy, isUse))) {
        report.held.count++;
        report.held.bytes += e.size;
        continue;
      }
      report.removed.push({ kind: e.kind, path: e.id, size: e.size, lastUsed: new Date(e.lastUse).toISOString(), reason });
    }
    if (!opts.dryRun) for (const t of temps) await removeTree(t.path);
    report.after = Math.max(0, selection.after - report.temps.bytes);
    return report;
  });
  // Measured again once the lock is gone (entries put back, or written meanwhile, count).
  if (!opts.dryRun) report.after = cacheUsage(cacheDir).total;
  report.fits = opts.maxSize === undefined || report.after <= opts.maxSize;
  return report;
}

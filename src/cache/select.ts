// Which entries prune removes (pure): least recently used first, never one a running build used, never content a kept
// record names (content ages with its newest record).
import type { EntryKind } from './layout.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A prunable entry as the selection sees it. */
export interface PruneCandidate {
  /** Path relative to the cache. */
  id: string;
  kind: EntryKind;
  size: number;
  /** Last use (ms since the epoch). */
  lastUse: number;
  /** Content digests (hex) a record names; empty for everything else. */
  refs: readonly string[];
  /** The digest (hex) a content entry holds. */
  content?: string;
}

/** Age and size limits, and the time from which entries count as in use. */
export interface PrunePolicy {
  now: number;
  /** Remove entries not used for this many days. */
  keepDays?: number;
  /** Remove least recently used entries until the whole cache is at most this many bytes. */
  maxSize?: number;
  /** Entries used at or after this time (the oldest running build's start, or this run's) are never removed. */
  heldFrom: number;
  /** Bytes of the cache that are not entries (apt lists, language caches, temp files): they count toward maxSize. */
  fixedSize: number;
}

export type PruneReason = 'age' | 'size';

export interface PruneSelection {
  remove: { id: string; reason: PruneReason }[];
  /** Entries that would have gone but are in use. */
  held: string[];
  /** Total size after removal (fixedSize + kept entries). */
  after: number;
  /** Whether `after` is within maxSize (true without one). */
  fits: boolean;
}

/**
 * Last use of each entry as prune sees it: content is as recent as the newest record naming it, so a record and
 * its content age together and a build's use of a record keeps its content too.
 */
export function effectiveLastUse(entries: readonly PruneCandidate[]): Map<string, number> {
  const newestRef = new Map<string, number>();
  for (const e of entries) for (const r of e.refs) newestRef.set(r, Math.max(newestRef.get(r) ?? 0, e.lastUse));
  const named = (e: PruneCandidate) => (e.content !== undefined ? newestRef.get(e.content) ?? 0 : 0);
  return new Map(entries.map((e) => [e.id, Math.max(e.lastUse, named(e))]));
}

/**
 * The entries to remove: by age (keepDays), then least recently used until the total fits (maxSize). Content is never
 * older than the records naming it and at the same time goes after them, so no kept record names removed content.
 */
export function selectPrune(entries: readonly PruneCandidate[], policy: PrunePolicy): PruneSelection {
  const used = effectiveLastUse(entries);
  const lastUse = (e: PruneCandidate) => used.get(e.id)!;
  const cutoff = policy.keepDays !== undefined ? policy.now - policy.keepDays * DAY_MS : -Infinity;
  const isHeld = (e: PruneCandidate) => lastUse(e) >= policy.heldFrom;
  const reasons = new Map<string, PruneReason>();
  for (const e of entries) if (!isHeld(e) && lastUse(e) < cutoff) reasons.set(e.id, 'age');
  let total = policy.fixedSize + entries.reduce((n, e) => n + (reasons.has(e.id) ? 0 : e.size), 0);
  if (policy.maxSize !== undefined) {
    // Oldest first; at the same time a record goes before the content it names (which then may stay).
    const namesNothing = (e: PruneCandidate) => Number(e.refs.length === 0);
    const byId = (a: PruneCandidate, b: PruneCandidate) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const order = entries.filter((e) => !isHeld(e) && !reasons.has(e.id))
      .sort((a, b) => lastUse(a) - lastUse(b) || namesNothing(a) - namesNothing(b) || byId(a, b));
    for (const e of order) {
      if (total <= policy.maxSize) break;
      reasons.set(e.id, 'size');
      total -= e.size;
    }
  }
  const fits = policy.maxSize === undefined || total <= policy.maxSize;
  return {
    remove: entries.filter((e) => reasons.has(e.id)).map((e) => ({ id: e.id, reason: reasons.get(e.id)! })),
    held: entries.filter((e) => isHeld(e) && (lastUse(e) < cutoff || !fits)).map((e) => e.id),
    after: total,
    fits,
  };
}

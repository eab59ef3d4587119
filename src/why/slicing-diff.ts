// `airlock diff` and slicing: which of the files one image lacks are files of Debian packages that its slicing left
// out (from its why.json), tallied by package and reason (pure).
import type { WhySlicing } from './record.js';

/** The Debian package a path was left out of, and why. */
export interface SlicedLabel { package: string; reason: string }

/** A change of the image diff: a path, its type and bytes (gates/diff's FileChange). */
interface Change { path: string; type: string; size: number; sliced?: SlicedLabel }

/**
 * Labels each change whose path the record says slicing left out. Pass the record of the image that lacks the
 * paths: B's for files removed from A to B, A's for files B adds. Only a prod record has `slicing`.
 */
export function labelSliced<C extends Change>(changes: readonly C[], s: WhySlicing | undefined): C[] {
  if (!s) return [...changes];
  return changes.map((c) => {
    const cut = s.removed[c.path];
    return cut ? { ...c, sliced: { package: cut[0], reason: s.reasons[cut[1]] ?? 'unknown reason' } } : c;
  });
}

/** What the labelled changes add up to: files and bytes per package, and each reason once (most files first). */
export interface SlicedTally {
  files: number;
  bytes: number;
  packages: { name: string; files: number; bytes: number }[];
  reasons: { reason: string; files: number }[];
}

/** The tally of the labelled changes; undefined when none is labelled. */
export function tallySliced(changes: readonly Change[]): SlicedTally | undefined {
  const cut = changes.filter((c): c is Change & { sliced: SlicedLabel } => c.sliced !== undefined);
  if (cut.length === 0) return undefined;
  const packages = new Map<string, { name: string; files: number; bytes: number }>();
  const reasons = new Map<string, { reason: string; files: number }>();
  let bytes = 0;
  for (const c of cut) {
    const size = c.type === 'file' ? c.size : 0;
    bytes += size;
    const p = packages.get(c.sliced.package) ?? { name: c.sliced.package, files: 0, bytes: 0 };
    p.files++;
    p.bytes += size;
    packages.set(p.name, p);
    const r = reasons.get(c.sliced.reason) ?? { reason: c.sliced.reason, files: 0 };
    r.files++;
    reasons.set(r.reason, r);
  }
  const byCount = <T extends { files: number }>(key: (x: T) => string) => (x: T, y: T) =>
    y.files - x.files || (key(x) < key(y) ? -1 : 1);
  return {
    files: cut.length,
    bytes,
    packages: [...packages.values()].sort(byCount((p) => p.name)),
    reasons: [...reasons.values()].sort(byCount((r) => r.reason)),
  };
}

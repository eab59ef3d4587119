// What slicing did to prod's runtime packages, as the outputs use it: report.json's figures, the files the SBOMs
// list per package, and the reasons `airlock why` tells.
import type { EvidencePackage, PackageFile } from '../evidence/input.js';
import type { SlicingReport } from '../report/report.js';
import type { SliceResult } from '../variants/slice.js';

/** Slicing for the report, and the files each package kept (what the SBOMs list). */
export interface SlicingSummary extends SlicingReport {
  /** Per package: its kept regular files with their hashes (symlinks have none). */
  files: Map<string, PackageFile[]>;
  /** Paths a rule kept → the rule; paths left out → their package and why (what `airlock why` tells). */
  keptBy: ReadonlyMap<string, string>;
  leftOut: ReadonlyMap<string, { package: string; reason: string }>;
}

export function slicingSummary(r: SliceResult): SlicingSummary {
  const files = new Map<string, PackageFile[]>();
  const leftOut = new Map<string, { package: string; reason: string }>();
  for (const p of r.packages) {
    files.set(p.name, p.kept.filter((f) => r.digests.has(f)).map((f) => ({ path: f, ...r.digests.get(f)! })));
    for (const f of p.removed) leftOut.set(f, { package: p.name, reason: r.leftOut.get(f)! });
  }
  return {
    removedFiles: r.packages.reduce((n, p) => n + p.removed.length, 0),
    removedBytes: r.packages.reduce((n, p) => n + p.removedBytes, 0),
    rules: r.rules,
    packages: r.packages.map((p) => ({
      name: p.name, whole: p.whole, keptFiles: p.kept.length, keptBytes: p.keptBytes,
      removedFiles: p.removed.length, removedBytes: p.removedBytes,
    })),
    files,
    keptBy: r.keptBy,
    leftOut,
  };
}

/** report.json's `slicing`: the figures, without the per-file maps. */
export function slicingReport(s: SlicingSummary): SlicingReport {
  return { removedFiles: s.removedFiles, removedBytes: s.removedBytes, rules: s.rules, packages: s.packages };
}

/**
 * prod's packages for its SBOMs: a sliced one carries the files it kept; a whole one (declared in `packages`) none,
 * since its .deb says what it holds and a full file list of every package would make SBOMs large for nothing.
 */
export function slicedEvidencePackages<P extends EvidencePackage>(
  pkgs: readonly P[], s: SlicingSummary | undefined,
): P[] {
  if (!s) return [...pkgs];
  const whole = new Set(s.packages.filter((p) => p.whole).map((p) => p.name));
  return pkgs.map((p) => (whole.has(p.name) ? p : { ...p, files: s.files.get(p.name) ?? [] }));
}

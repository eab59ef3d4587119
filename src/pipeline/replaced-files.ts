// Files airlock made in place of a runtime package's (`variants.prod.icu`), as the outputs name them: the package
// lists its other files in the SBOMs, the made file is listed as airlock's, report.json says what was trimmed.
import type { EvidenceArtifact, EvidencePackage } from '../evidence/input.js';
import type { IcuReport } from '../report/report.js';
import type { IcuReplacement } from '../variants/icu-replace.js';

/** How a replacement was made, in a few words (SBOM comments, `airlock why`). */
export function replacementHow(r: IcuReplacement): string {
  const languages = r.languages === 'all' ? 'every language' : `the languages ${r.languages.join(', ')}`;
  return `its ICU data (${r.symbol}) trimmed to ${languages}${r.converters ? '' : ' without legacy charset converters'} (variants.prod.icu)`;
}

/** prod's packages with the file lists of those that lost a file (an SBOM must not claim the replaced one). */
export function withReplacedFiles<P extends EvidencePackage>(
  pkgs: readonly P[], replaced: readonly IcuReplacement[],
): P[] {
  const byPackage = new Map(replaced.map((r) => [r.package, r.packageFiles]));
  return pkgs.map((p) => (byPackage.has(p.name) ? { ...p, files: byPackage.get(p.name)! } : p));
}

/** The made files, listed beside the artifacts in prod's SBOMs and provenance. */
export function madeArtifacts(replaced: readonly IcuReplacement[]): EvidenceArtifact[] {
  return replaced.map((r) => ({
    path: r.path, sha256: r.made.sha256, size: r.made.size, madeFrom: { package: r.package, how: replacementHow(r) },
  }));
}

/** report.json's `icu`. */
export function icuReports(replaced: readonly IcuReplacement[]): IcuReport[] {
  return replaced.map((r) => ({
    path: r.path, package: r.package, languages: r.languages, converters: r.converters, original: r.original,
    made: { size: r.made.size, sha256: r.made.sha256 }, keptItems: r.keptItems, removedItems: r.removedItems, removed: r.removed,
  }));
}

// What report.html shows: the build report plus what the outputs folder knows beside it (pure data).
import type { BuildReport, VariantName } from './report.js';

/** A share of an image: a package, a directory or an origin, with its bytes and file count. */
export interface Slice {
  name: string;
  bytes: number;
  files: number;
}

export interface Makeup {
  total: Slice;
  packages: Slice[];
  dirs: Slice[];
}

export interface HardeningRow {
  path: string;
  from: string;
  pie: boolean;
  relro: 'none' | 'partial' | 'full';
  bindNow: boolean;
  nxStack: boolean;
  stackProtector: string;
  fortify: string;
  cet: boolean;
  stripped: boolean;
  missing: string[];
}

export interface EvidenceStatus {
  sbom?: { format: string; packages: number; licenses: { name: string; count: number }[] };
  /** The plain-file signature's payload names this variant's digest ('none': not signed). */
  signature: 'matches' | 'mismatch' | 'none';
  provenance?: { subjectMatches: boolean; builder: string; buildType: string };
}

export interface ReportPage {
  report: BuildReport;
  /** From why.json; absent for outputs written before it existed. */
  makeup?: Record<'prod' | 'dev', Makeup>;
  /** What dev holds that prod does not, by origin (a package, the install root, the source…). */
  leftInDev?: { total: Slice; origins: Slice[] };
  hardening?: HardeningRow[];
  evidence: Partial<Record<VariantName, EvidenceStatus>>;
}

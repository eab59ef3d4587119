// Where a multi-platform build's outputs are, and which single-platform folder a command reads (kept apart from
// platforms.ts so that commands reading outputs do not load the build).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { formatPlatform, ociPlatform } from '../image/platform.js';
import type { BuildReport, VariantName } from '../report/report.js';
import { archiveName } from './archive-name.js';

/** report.json of a multi-platform build. */
export interface PlatformsReport {
  name: string;
  tag: string;
  /** Each platform's build, in the config's order; its own outputs are in `folder`. */
  platforms: { architecture: string; platform: string; folder: string; report: BuildReport }[];
  /** The image index of each variant (and the NAME:TAG alias, prod's). */
  indexes: Record<VariantName, string>;
  aliases: Record<string, string>;
  outputs: { oci: string; archives: Record<VariantName, Record<string, string>>; platforms: string };
  /** Whether the indexes were signed (cosign .sig tags in the layout). */
  signed: boolean;
}

/** Where a multi-platform build puts the single-platform outputs of `architecture`. */
export function platformFolder(outDir: string, architecture: string): string {
  return join(outDir, 'platforms', architecture);
}

/** True for the output folder of a multi-platform build. */
export function isPlatformsReport(r: unknown): r is PlatformsReport {
  return typeof r === 'object' && r !== null && Array.isArray((r as PlatformsReport).platforms);
}

/** Docker-archive file name of a variant for one platform: NAME-prod-arm64.tar. */
export function platformArchiveName(name: string, variant: VariantName, architecture: string): string {
  return archiveName(name, variant).replace(/\.tar$/, `-${architecture}.tar`);
}

/**
 * The single-platform output folder to read for `platform` in `outDir`: outDir itself for a single-platform build;
 * for a multi-platform one, the platform asked for, else the host's when it was built, else an error naming those built.
 */
export function platformOutDir(outDir: string, platform: string | undefined, hostArch: string): string {
  const file = join(outDir, 'report.json');
  let report: unknown;
  try { report = JSON.parse(readFileSync(file, 'utf8')); } catch { return outDir; }
  if (!isPlatformsReport(report)) return outDir; // one platform: the image itself says which
  const archs = report.platforms.map((p) => p.architecture);
  const want = platform ?? (archs.includes(hostArch) ? hostArch : undefined);
  if (want === undefined || !archs.includes(want)) {
    const has = report.platforms.map((p) => p.platform).join(', ');
    const what = want === undefined ? `${outDir} holds several platforms (${has})` : `${outDir} has no ${formatPlatform(ociPlatform(want))} build`;
    throw new AirlockError('usage', want === undefined ? 'platform-required' : 'platform-not-found', what, { hint: `choose one with --platform (built: ${has})` });
  }
  return platformFolder(outDir, want);
}


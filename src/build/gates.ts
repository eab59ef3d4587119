// Runs the gate suite on each assembled variant (from its in-memory layers) and summarizes for the report.
import type { Log } from '../log.js';
import type { Config } from '../config/types.js';
import { imageFsFromEntries } from '../gates/fs-view.js';
import { runGates } from '../gates/run-gates.js';
import type { GateSummary, VariantName } from '../report/report.js';
import type { AssembledVariant } from '../variants/assemble.js';

export interface GateRun {
  summaries: Record<VariantName, GateSummary>;
  /** A prod finding at error severity: the build fails with exit 6 after writing the report. */
  prodFailed: boolean;
}

/** Folds per-file hardening warnings about Debian-packaged files into one finding (they are not ours to fix). */
export function collapsePackaged<F extends { id: string; severity: string; message: string; path?: string }>(findings: F[]): F[] {
  const packaged = findings.filter((f) => f.id === 'elf-hardening' && f.severity === 'warning' && f.message.endsWith('(from a Debian package)'));
  if (packaged.length < 2) return findings;
  const files = new Set(packaged.map((f) => f.path)).size;
  const rest = findings.filter((f) => !packaged.includes(f));
  const { path: _drop, ...first } = packaged[0]!;
  return [...rest, { ...first, message: `${packaged.length} hardening notes on ${files} files from Debian packages (not built here; e.g. ${packaged[0]!.message})` } as F];
}

/** Gates every variant with its own profile; `skip` records that gates were skipped. */
export async function runBuildGates(config: Config, variants: Record<VariantName, AssembledVariant>, opts: { skip: boolean; epoch: number; packagedPaths: Record<VariantName, ReadonlySet<string>>; log: Log }): Promise<GateRun> {
  const summaries = {} as Record<VariantName, GateSummary>;
  if (opts.skip) {
    for (const v of ['dev', 'prod', 'test'] as const) summaries[v] = { passed: true, skipped: true, findings: [] };
    opts.log.warn('--no-gates: the quality gates were skipped (the report says so)');
    return { summaries, prodFailed: false };
  }
  for (const v of ['dev', 'prod', 'test'] as const) {
    const a = variants[v];
    const fs = await imageFsFromEntries(a.layers, a.image.config);
    const settings = config.variants[v];
    const r = await runGates(fs, {
      profile: v,
      config: {
        hardening: config.buildFlags.hardening, allowSource: settings.includeSource, epoch: opts.epoch,
        ...(settings.maxSize !== undefined ? { maxSize: settings.maxSize } : {}),
        packagedPaths: opts.packagedPaths[v],
        // Hardening is asked of what the build produced for prod; dev and test are the builder itself.
        ...(v === 'prod' ? {} : { skip: ['elf-hardening'] }),
      },
    });
    summaries[v] = { passed: r.passed, findings: collapsePackaged(r.findings) };
    const errors = r.findings.filter((f) => f.severity === 'error').length;
    opts.log.info(`gates ${v}: ${r.passed ? 'passed' : 'FAILED'} (${r.checks.length} checks, ${errors} errors, ${r.findings.length - errors} warnings)`);
  }
  return { summaries, prodFailed: !summaries.prod.passed };
}

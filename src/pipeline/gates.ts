// Runs the gate suite on each assembled variant (from its in-memory layers) and summarizes for the report.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Log } from '../log.js';
import { writeFileAtomic } from '../files/atomic.js';
import type { Config } from '../config/types.js';
import { imageFsFromEntries } from '../gates/fs-view.js';
import { runGates, type LayerScanRecord, type ScanMemo } from '../gates/run-gates.js';
import { touchCacheEntry } from '../cache/touch.js';
import type { GateSummary, VariantName } from '../report/report.js';
import type { AssembledVariant } from '../variants/assemble.js';
import { devConfigFiles, loadAppConfig } from './app-config.js';

export interface GateRun {
  summaries: Record<VariantName, GateSummary>;
  /** A prod finding at error severity: the build fails with exit 6 after writing the report. */
  prodFailed: boolean;
}

let fingerprint: string | undefined;
/** A digest of the gate code itself, so cached results never outlive a change to the checks. */
async function gatesFingerprint(): Promise<string> {
  if (fingerprint) return fingerprint;
  const dir = fileURLToPath(new URL('../gates/', import.meta.url));
  const h = createHash('sha256');
  const files = (await readdir(dir, { recursive: true })).filter((f) => /\.(ts|js)$/.test(f) && !f.includes('.test.')).sort();
  for (const f of files) h.update(f).update(await readFile(join(dir, f)));
  fingerprint = h.digest('hex');
  return fingerprint;
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

/**
 * Keys shipped inside Debian packages (test data such as Go's crypto/tls fixtures) are public, not leaked:
 * in dev and test they are reported as warnings. Files the build handed off stay errors.
 */
export function publicPackagedSecrets<F extends { id: string; severity: string; message: string; path?: string }>(findings: F[], packaged: ReadonlySet<string>): F[] {
  return findings.map((f) => (f.id === 'no-secrets' && f.severity === 'error' && f.path !== undefined && packaged.has(f.path)
    ? { ...f, severity: 'warning', message: `${f.message} (shipped in a Debian package: public test data, not a leak)` }
    : f));
}

/**
 * Gates each variant given (all three, or some now and the rest later: a build gates prod and dev while its tests
 * run) with its own profile; `skip` records that gates were skipped (said once, with prod).
 */
export async function runBuildGates(config: Config, variants: Partial<Record<VariantName, AssembledVariant>>, opts: { skip: boolean; epoch: number; packagedPaths: Record<VariantName, ReadonlySet<string>>; log: Log; cacheDir: string }): Promise<Partial<Record<VariantName, GateSummary>>> {
  const summaries: Partial<Record<VariantName, GateSummary>> = {};
  const names = (['dev', 'prod', 'test'] as const).filter((v) => variants[v]);
  if (opts.skip) {
    for (const v of names) summaries[v] = { passed: true, skipped: true, findings: [] };
    if (variants.prod) opts.log.warn('--no-gates: the quality gates were skipped (the report says so)');
    return summaries;
  }
  const app = await loadAppConfig(config);
  const devConfig = app ? devConfigFiles(app) : [];
  for (const v of names) {
    const a = variants[v]!;
    const settings = config.variants[v];
    const gateConfig = {
      hardening: config.buildFlags.hardening, allowSource: settings.includeSource, epoch: opts.epoch,
      ...(settings.maxSize !== undefined ? { maxSize: settings.maxSize } : {}),
      // Hardening is asked of what the build produced for prod; dev and test are the builder itself.
      ...(v === 'prod' ? {} : { skip: ['elf-hardening'] }),
      ...(v === 'prod' && devConfig.length ? { devConfig } : {}),
    };
    // Gates are a pure function of the image and their settings: a known image digest reuses its result.
    const key = createHash('sha256').update(JSON.stringify({ code: await gatesFingerprint(), digest: a.image.digest, v, gateConfig })).digest('hex');
    const cacheFile = join(opts.cacheDir, 'gates', `${key}.json`);
    let r: { passed: boolean; findings: GateSummary['findings']; checks: string[] };
    try {
      r = JSON.parse(await readFile(cacheFile, 'utf8'));
    } catch {
      const fs = await imageFsFromEntries(a.layers, a.image.config);
      const packaged = createHash('sha256').update([...opts.packagedPaths[v]].sort().join('\n')).digest('hex');
      const memo = layerScanMemo(opts.cacheDir, a, await gatesFingerprint(), { v, gateConfig, packaged });
      r = await runGates(fs, { profile: v, config: { ...gateConfig, packagedPaths: opts.packagedPaths[v] }, memo });
      await mkdir(join(opts.cacheDir, 'gates'), { recursive: true });
      await writeFileAtomic(cacheFile, JSON.stringify(r));
    }
    const findings = publicPackagedSecrets(r.findings, opts.packagedPaths[v]);
    summaries[v] = { passed: !findings.some((f) => f.severity === 'error'), findings: collapsePackaged(findings) };
    // The line says what the report says: after packaged keys became warnings.
    const shown = summaries[v].findings;
    const errors = shown.filter((f) => f.severity === 'error').length;
    opts.log.info(`gates ${v}: ${summaries[v].passed ? 'passed' : 'FAILED'} (${r.checks.length} checks, ${errors} errors, ${shown.length - errors} warnings)`);
  }
  return summaries;
}

/** The summaries of all three variants, and whether prod failed (the build exits 6 after writing the report). */
export function gateRun(summaries: Partial<Record<VariantName, GateSummary>>): GateRun {
  const all = summaries as Record<VariantName, GateSummary>;
  for (const v of ['dev', 'prod', 'test'] as const) if (!all[v]) throw new Error(`internal: no gate summary of ${v}`);
  return { summaries: all, prodFailed: !all.prod.passed };
}

/**
 * Content-scan results kept per layer and scanner (by the layer's digest and position, the scanner and the settings
 * its findings depend on): an unchanged builder layer is not read again when only the small layers above it changed,
 * and dev and test read it once between them. A scanner that declares no settings is keyed by all of the variant's.
 */
function layerScanMemo(cacheDir: string, a: AssembledVariant, code: string, variantSettings: unknown): ScanMemo | undefined {
  if (a.layers.length !== a.image.layers.length) return undefined;
  const file = (key: string) => join(cacheDir, 'gates', `scan-${key}.json`);
  return {
    keyOf: (layer, scanner, declared) => {
      const digest = a.image.layers[layer]?.digest;
      const settings = declared !== undefined ? declared : variantSettings;
      return digest ? createHash('sha256').update(JSON.stringify({ code, layer, digest, scanner, settings })).digest('hex') : undefined;
    },
    read: async (key) => {
      if (!(await touchCacheEntry(file(key)))) return undefined;
      return readFile(file(key), 'utf8').then((t) => JSON.parse(t) as LayerScanRecord, () => undefined);
    },
    write: async (key, record) => {
      await mkdir(join(cacheDir, 'gates'), { recursive: true });
      await writeFileAtomic(file(key), JSON.stringify(record));
    },
  };
}

// report.html from an output folder: reads report.json, why.json and the evidence beside them, renders, writes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic.js';
import type { EvidenceStatus, ReportPage } from '../report/html-model.js';
import { renderReportHtml } from '../report/html.js';
import type { BuildReport, VariantName } from '../report/report.js';
import { makeupOf } from '../why/makeup.js';
import type { WhyRecord } from '../why/record.js';

export const REPORT_HTML = 'report.html';
export const WHY_JSON = 'why.json';

const readJson = async <T>(path: string): Promise<T | undefined> => {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  return text === undefined ? undefined : (JSON.parse(text) as T);
};

interface Spdx {
  spdxVersion?: string;
  packages?: { SPDXID?: string; licenseDeclared?: string }[];
}
interface Provenance {
  subject?: { digest?: { sha256?: string } }[];
  predicate?: { buildDefinition?: { buildType?: string }; runDetails?: { builder?: { id?: string } } };
}
interface SigPayload {
  critical?: { image?: { 'docker-manifest-digest'?: string } };
}

async function evidenceOf(dir: string, v: VariantName, digest: string): Promise<EvidenceStatus | undefined> {
  const spdx = await readJson<Spdx>(join(dir, `${v}.spdx.json`));
  const prov = await readJson<Provenance>(join(dir, `${v}.provenance.json`));
  const payload = await readJson<SigPayload>(join(dir, `${v}.sig.payload.json`));
  if (!spdx && !prov && !payload) return undefined;
  const status: EvidenceStatus = { signature: 'none' };
  if (spdx) {
    const pkgs = (spdx.packages ?? []).filter((p) => p.SPDXID !== 'SPDXRef-Image');
    const counts = new Map<string, number>();
    for (const p of pkgs)
      counts.set(p.licenseDeclared ?? 'NOASSERTION', (counts.get(p.licenseDeclared ?? 'NOASSERTION') ?? 0) + 1);
    const licenses = [...counts]
      .map(([name, count]) => ({ name, count }))
      .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
    status.sbom = { format: spdx.spdxVersion ?? 'SPDX', packages: pkgs.length, licenses };
  }
  if (payload)
    status.signature = payload.critical?.image?.['docker-manifest-digest'] === digest ? 'matches' : 'mismatch';
  if (prov) {
    status.provenance = {
      subjectMatches: prov.subject?.some((s) => `sha256:${s.digest?.sha256}` === digest) ?? false,
      builder: prov.predicate?.runDetails?.builder?.id ?? 'unknown',
      buildType: prov.predicate?.buildDefinition?.buildType ?? 'unknown',
    };
  }
  return status;
}

/**
 * What report.html shows for the outputs in `outDir`. `known`: the report and trace just written there, given by the
 * build that wrote them (not read back and parsed again).
 */
export async function loadReportPage(outDir: string, known: { report?: BuildReport; why?: WhyRecord } = {}): Promise<ReportPage> {
  const report = known.report ?? await readJson<BuildReport>(join(outDir, 'report.json'));
  if (!report) {
    throw new AirlockError('usage', 'no-report', `${outDir} holds no report.json`, {
      hint: 'pass the output folder of a build (airlock build writes airlock-out/ beside the config)',
    });
  }
  const why = known.why ?? await readJson<WhyRecord>(join(outDir, WHY_JSON));
  const evidence: ReportPage['evidence'] = {};
  for (const v of ['dev', 'prod', 'test'] as const) {
    const e = await evidenceOf(join(outDir, report.outputs.evidence ?? 'evidence'), v, report.variants[v].digest);
    if (e) evidence[v] = e;
  }
  return { report, ...(why ? makeupOf(why) : {}), evidence };
}

/** Renders OUT/report.html (or `target`); leaves a file that already holds these bytes untouched. */
export async function writeReportHtml(
  outDir: string,
  target = join(outDir, REPORT_HTML),
  known: { report?: BuildReport; why?: WhyRecord } = {},
): Promise<{ path: string; changed: boolean }> {
  const html = renderReportHtml(await loadReportPage(outDir, known));
  const old = await readFile(target, 'utf8').catch(() => undefined);
  if (old === html) return { path: target, changed: false };
  await writeFileAtomic(target, html);
  return { path: target, changed: true };
}

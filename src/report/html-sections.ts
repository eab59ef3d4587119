// The sections of report.html after the variants: makeup, what stayed in dev, gates, hardening, evidence, timings.
import type { VariantName } from './report.js';
import type { Makeup, ReportPage, Slice } from './html-model.js';
import { bars, esc, fig, size, stacked, table } from './html-parts.js';

const VARIANTS: VariantName[] = ['dev', 'prod', 'test'];
const TOP = 12;

/** The largest `n` slices, the rest folded into one "other" slice. */
function top(slices: Slice[], n = TOP): Slice[] {
  if (slices.length <= n) return slices;
  const rest = slices.slice(n);
  const other = { name: `other (${rest.length})`, bytes: 0, files: 0 };
  for (const s of rest) {
    other.bytes += s.bytes;
    other.files += s.files;
  }
  return [...slices.slice(0, n), other];
}

const sliceRows = (slices: Slice[]) =>
  slices.map((s) => [
    esc(s.name),
    `<span class="num">${esc(size(s.bytes))}</span>`,
    `<span class="num">${s.files}</span>`,
  ]);

function makeupOf(label: string, m: Makeup): string {
  return `<h3>${esc(label)}: ${esc(size(m.total.bytes))} in ${m.total.files} files</h3>
<p>By package (or origin):</p>${stacked(top(m.packages))}
<p>By directory:</p>${stacked(top(m.dirs))}
${table(['package or origin', 'bytes', 'files'], sliceRows(top(m.packages, 20)))}`;
}

export function makeupSection(p: ReportPage): string {
  if (!p.makeup) return '<h2>Makeup</h2><p>These outputs have no why.json (built by an older airlock).</p>';
  const left = p.leftInDev;
  const stayed = left
    ? `<h2>What stayed behind in dev</h2>
<p>${esc(size(left.total.bytes))} in ${left.total.files} files that dev holds and prod does not:</p>
${bars(
  top(left.origins, 15).map((s) => ({ label: s.name, value: s.bytes, text: `${size(s.bytes)}, ${s.files} files` })),
  760,
)}`
    : '';
  const parts = [makeupOf('prod', p.makeup.prod), makeupOf('dev', p.makeup.dev), stayed];
  return `<h2>Makeup (uncompressed file bytes)</h2>${parts.join('')}`;
}

export function gatesSection(p: ReportPage): string {
  const parts = VARIANTS.map((v) => {
    const g = p.report.variants[v].gates;
    if (!g) return `<h3>${v}</h3><p>gates not run</p>`;
    if (g.skipped) return `<h3>${v}</h3><p>gates skipped (--no-gates)</p>`;
    const verdict = g.passed ? '<span class="ok">passed</span>' : '<span class="bad">failed</span>';
    const rows = g.findings.map((f, i) => [
      `<span class="${f.severity === 'error' ? 'bad' : 'warn'}">`
        + `${fig(`variants.${v}.gates.findings.${i}.severity`, f.severity)}</span>`,
      esc(f.id),
      f.path ? `<span class="mono">/${esc(f.path)}</span>` : '',
      esc(f.message),
    ]);
    const findings = rows.length ? table(['severity', 'gate', 'path', 'finding'], rows) : '<p>no findings</p>';
    const count = fig(`variants.${v}.gates.findings.length`, g.findings.length);
    return `<h3>${v}: ${verdict}, ${count} findings</h3>${findings}`;
  });
  return `<h2>Gates</h2>${parts.join('\n')}`;
}

export function hardeningSection(p: ReportPage): string {
  if (!p.hardening) return '';
  const yes = (b: boolean) => (b ? '<span class="ok">yes</span>' : '<span class="bad">no</span>');
  const rows = p.hardening.map((h) => [
    `<span class="mono">/${esc(h.path)}</span>`,
    esc(h.from),
    yes(h.pie),
    esc(h.relro),
    yes(h.bindNow),
    yes(h.nxStack),
    esc(h.stackProtector),
    esc(h.fortify),
    yes(h.cet),
    yes(h.stripped),
    h.missing.length ? `<span class="bad">${esc(h.missing.join(', '))}</span>` : '<span class="ok">nothing</span>',
  ]);
  const head = [
    'binary',
    'from',
    'PIE',
    'RELRO',
    'BIND_NOW',
    'NX stack',
    'stack protector',
    'FORTIFY',
    'CET',
    'stripped',
    'missing',
  ];
  const body = rows.length ? table(head, rows) : '<p>no ELF artifacts</p>';
  return `<h2>ELF hardening of the built binaries (as prod holds them)</h2>${body}`;
}

const SUBJECT_OK = '<span class="ok">subject = image digest</span>';
const SUBJECT_BAD = '<span class="bad">subject is another digest</span>';

export function evidenceSection(p: ReportPage): string {
  const rows = VARIANTS.map((v) => {
    const e = p.evidence[v];
    if (!e) return [esc(v), 'no evidence', '', '', ''];
    const sbom = e.sbom ? `${esc(e.sbom.format)}: ${e.sbom.packages} packages` : 'none';
    const lic = e.sbom
      ? esc(
          e.sbom.licenses
            .slice(0, 6)
            .map((l) => `${l.name} (${l.count})`)
            .join(', '),
        )
      : '';
    const sig = {
      matches: '<span class="ok">signed (payload names this digest)</span>',
      mismatch: '<span class="bad">signature payload names another digest</span>',
      none: 'not signed (build --sign KEY)',
    }[e.signature];
    const prov = e.provenance
      ? `${e.provenance.subjectMatches ? SUBJECT_OK : SUBJECT_BAD}; builder ${esc(e.provenance.builder)}`
      : '<span class="bad">missing</span>';
    return [esc(v), sbom, lic, sig, prov];
  });
  const head = ['variant', 'SBOM', 'licenses (most frequent)', 'signature', 'provenance (SLSA v1)'];
  return `<h2>SBOM, signature and provenance</h2>${table(head, rows)}`;
}

export function timingsSection(p: ReportPage): string {
  const r = p.report;
  const stages = Object.entries(r.stages ?? {});
  const chart = stages.length
    ? bars(stages.map(([k, s]) => ({ label: k, value: s, text: `${s} s` })))
    : '<p>no stage timings</p>';
  const steps = r.steps ?? [];
  const hits = steps.filter((s) => s.cached).length;
  const rows = steps.map((s, i) => [
    `<span class="mono">${esc(s.id)}</span>`,
    s.cached ? '<span class="ok">CACHED</span>' : 'ran',
    `${fig(`steps.${i}.seconds`, s.seconds)} s`,
  ]);
  const beside = r.stages?.tests !== undefined
    ? '<p>The test steps run beside the handoff and the assembly and gates of prod and dev: those bars overlap.</p>'
    : '';
  return `<h2>Build timings</h2>${chart}${beside}
<p>Step cache: <span data-derived="cached-steps">${hits}</span> of ${fig('steps.length', steps.length)} steps
replayed.</p>
${steps.length ? table(['step', 'result', 'time'], rows) : ''}`;
}

// report.html: one self-contained page (no scripts, no requests: a CSP allows only its own style) from a ReportPage.
import { createHash } from 'node:crypto';
import type { BuildReport, VariantName } from './report.js';
import type { ReportPage } from './html-model.js';
import { bars, esc, fig, size, table } from './html-parts.js';
import { evidenceSection, gatesSection, hardeningSection, makeupSection, timingsSection } from './html-sections.js';
import { slicingSection } from './html-slicing.js';

const VARIANTS: VariantName[] = ['dev', 'prod', 'test'];

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.num{text-align:right}code,.mono{font-family:ui-monospace,monospace;font-size:12px}
.ok{color:#1a7f37}.bad{color:#cf222e}.warn{color:#9a6700}svg text{font:12px system-ui,sans-serif}
.legend{list-style:none;padding:0;columns:3}.legend li{font-size:12px}.variants td:first-child{font-weight:600}
.variants{table-layout:fixed;width:100%}.variants td{word-break:break-all}`;

const list = (xs: string[], path: string) =>
  xs.length
    ? `${fig(`${path}.length`, xs.length)}: <span class="mono">${esc(xs.join(', '))}</span>`
    : fig(`${path}.length`, 0, 'none');

function variantsSection(p: ReportPage): string {
  const r = p.report;
  const row = (label: string, cell: (v: VariantName) => string) => [esc(label), ...VARIANTS.map(cell)];
  const at = (v: VariantName, k: string) => `variants.${v}.${k}`;
  const gates = (v: VariantName) => {
    const g = r.variants[v].gates;
    if (!g) return 'not run';
    if (g.skipped) return 'skipped';
    return g.passed ? '<span class="ok">passed</span>' : '<span class="bad">failed</span>';
  };
  const rows = [
    row('image', (v) => fig(at(v, 'ref'), r.variants[v].ref)),
    row('digest', (v) => `<span class="mono">${fig(at(v, 'digest'), r.variants[v].digest)}</span>`),
    row('size (compressed)', (v) =>
      fig(at(v, 'compressedSize'), r.variants[v].compressedSize, size(r.variants[v].compressedSize)),
    ),
    row('size (uncompressed)', (v) =>
      fig(at(v, 'uncompressedSize'), r.variants[v].uncompressedSize, size(r.variants[v].uncompressedSize)),
    ),
    row('files', (v) => fig(at(v, 'files'), r.variants[v].files)),
    row('Debian packages', (v) => fig(at(v, 'packages'), r.variants[v].packages)),
    row('user', (v) => fig(at(v, 'user'), r.variants[v].user)),
    row('shells', (v) => list(r.variants[v].shells, at(v, 'shells'))),
    row('compilers / build tools', (v) => list(r.variants[v].compilers, at(v, 'compilers'))),
    row('package managers', (v) => list(r.variants[v].packageManagers, at(v, 'packageManagers'))),
    row('gates', gates),
    row('build time', (v) => `${fig(at(v, 'buildSeconds'), r.variants[v].buildSeconds)} s`),
  ];
  const chart = bars(
    VARIANTS.map((v) => ({
      label: `${v} (compressed)`,
      value: r.variants[v].compressedSize,
      text: size(r.variants[v].compressedSize),
    })).concat(
      VARIANTS.map((v) => ({
        label: `${v} (uncompressed)`,
        value: r.variants[v].uncompressedSize,
        text: size(r.variants[v].uncompressedSize),
      })),
    ),
  );
  const pct = (r.reduction * 100).toFixed(1);
  return `<h2>Variants</h2>${table(['', ...VARIANTS], rows, 'variants')}
<p>prod is ${fig('reduction', r.reduction, `${pct}%`)} smaller than dev (compressed).</p>
<h2>Sizes</h2>${chart}`;
}

function buildSection(p: ReportPage): string {
  const r = p.report;
  const artifacts = r.artifacts.map((a, i) => [
    `<span class="mono">/${fig(`artifacts.${i}.path`, a.path)}</span>`,
    `<span class="num">${fig(`artifacts.${i}.size`, a.size)}</span>`,
    `<span class="mono">${esc(a.sha256)}</span>`,
  ]);
  const warnings = r.warnings.length
    ? `<ul>${r.warnings.map((w) => `<li class="warn">${esc(w)}</li>`).join('')}</ul>`
    : '<p>none</p>';
  const tests = r.tests ? `${esc(r.tests.status)}${r.tests.note ? ` (${esc(r.tests.note)})` : ''}` : 'not recorded';
  const steps = r.execution
    ? `<p>Build steps: ${fig('execution.mode', r.execution.mode)} on this ${esc(r.execution.host)} host: ${esc(r.execution.why)}</p>\n`
    : '';
  return `<h2>What crossed the airlock</h2>${steps}${table(['artifact', 'bytes', 'sha256'], artifacts)}
<p>ELF closure packages: ${list(r.closurePackages, 'closurePackages')}</p>
<p>Tests: ${tests}</p><h3>Warnings</h3>${warnings}`;
}

/** The whole page; the same page for the same inputs, byte for byte. */
export function renderReportHtml(p: ReportPage): string {
  const r = p.report;
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  const style = `style-src 'sha256-${styleHash}'`;
  const csp = [`default-src 'none'`, style, `img-src 'none'`, `base-uri 'none'`, `form-action 'none'`].join('; ');
  const epoch = new Date(r.epoch.seconds * 1000).toISOString();
  const body = [
    `<h1>${esc(r.name)}:${esc(r.tag)} — airlock build report</h1>`,
    `<p>Image time ${esc(epoch)} (epoch ${fig('epoch.seconds', r.epoch.seconds)}, from ${esc(r.epoch.from)}).</p>`,
    variantsSection(p),
    makeupSection(p),
    slicingSection(p),
    buildSection(p),
    gatesSection(p),
    hardeningSection(p),
    evidenceSection(p),
    timingsSection(p),
  ];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.name)}:${esc(r.tag)} — airlock report</title>
<style>${STYLE}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}

/** What the page of a multi-platform build shows: the indexes, and each platform with its own page. */
export interface PlatformsPage {
  name: string;
  tag: string;
  indexes: Record<'dev' | 'prod' | 'test', string>;
  platforms: { platform: string; folder: string; report: BuildReport }[];
}

/** The page of a multi-platform build: each variant's index, then a row per platform linking to its own report. */
export function renderPlatformsHtml(p: PlatformsPage): string {
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  const csp = [`default-src 'none'`, `style-src 'sha256-${styleHash}'`, `img-src 'none'`, `base-uri 'none'`, `form-action 'none'`].join('; ');
  const variants = ['dev', 'prod', 'test'] as const;
  const indexRows = variants.map((v) => [`${esc(p.name)}:${esc(p.tag)}-${v}${v === 'prod' ? ` (= ${esc(p.name)}:${esc(p.tag)})` : ''}`, `<span class="mono">${fig(`indexes.${v}`, p.indexes[v])}</span>`]);
  const platformRows = p.platforms.map((x, i) => [
    `<a href="${esc(`${x.folder}/report.html`)}">${esc(x.platform)}</a>`,
    ...variants.map((v) => `<span class="num">${fig(`platforms.${i}.report.variants.${v}.compressedSize`, x.report.variants[v].compressedSize, size(x.report.variants[v].compressedSize))}</span>`),
    `<span class="mono">${fig(`platforms.${i}.report.variants.prod.digest`, x.report.variants.prod.digest)}</span>`,
  ]);
  const body = [
    `<h1>${esc(p.name)}:${esc(p.tag)} — airlock multi-platform build</h1>`,
    `<h2>Image indexes</h2>${table(['tag', 'index digest'], indexRows)}`,
    `<h2>Platforms</h2><p>Each platform was built on its own; its page has everything a single-platform build reports.</p>`,
    table(['platform', 'dev (compressed)', 'prod (compressed)', 'test (compressed)', 'prod digest'], platformRows),
  ];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.name)}:${esc(p.tag)} — airlock multi-platform report</title>
<style>${STYLE}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}

// The size comparison table printed at the end of a build (the seeds' dev vs prod table).
import type { BuildReport, IcuReport, SlicingReport, VariantName } from './report.js';

/** Human-readable size in B/KB/MB/GB (powers of 1000, as registries show). */
export function humanSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return i === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

function present(list: string[]): string {
  return list.length === 0 ? 'none' : `${list.length} (${list.slice(0, 2).map((p) => p.slice(p.lastIndexOf('/') + 1)).join(', ')}${list.length > 2 ? ', …' : ''})`;
}

/** One line on what slicing left out of prod's runtime packages (report.json's `slicing`). */
export function slicingLine(s: SlicingReport): string {
  const cut = s.packages.filter((p) => p.removedFiles > 0).length;
  const of = `${s.packages.length} runtime package${s.packages.length === 1 ? '' : 's'}`;
  if (cut === 0) return `slicing: nothing left out of prod's ${of}`;
  const files = `${s.removedFiles} file${s.removedFiles === 1 ? '' : 's'} (${humanSize(s.removedBytes)})`;
  return `slicing: ${files} left out of ${cut} of prod's ${of}`;
}

/** One line on a trimmed ICU data library (report.json's `icu`). */
export function icuLine(r: IcuReport): string {
  const languages = r.languages === 'all' ? 'all languages' : `languages ${r.languages.join(', ')}`;
  const kept = `${languages}${r.converters ? '' : ', no legacy charset converters'}`;
  return `icu: /${r.path} trimmed to ${kept}: ${humanSize(r.original.size)} → ${humanSize(r.made.size)} (made by airlock, not ${r.package}'s)`;
}

/** Renders the comparison table as plain text. */
export function renderTable(r: BuildReport): string {
  const order: VariantName[] = ['dev', 'prod', 'test'];
  const rows: [string, (v: VariantName) => string][] = [
    ['image', (v) => r.variants[v].ref],
    ['size (compressed)', (v) => humanSize(r.variants[v].compressedSize)],
    ['size (uncompressed)', (v) => humanSize(r.variants[v].uncompressedSize)],
    ['files', (v) => String(r.variants[v].files)],
    ['Debian packages', (v) => String(r.variants[v].packages)],
    ['shells', (v) => present(r.variants[v].shells)],
    ['compilers/build tools', (v) => present(r.variants[v].compilers)],
    ['package managers', (v) => present(r.variants[v].packageManagers)],
    ['user', (v) => r.variants[v].user],
    ['gates', (v) => { const g = r.variants[v].gates; return !g ? '-' : g.skipped ? 'skipped' : g.passed ? 'passed' : `FAILED (${g.findings.length})`; }],
    ['build time', (v) => `${r.variants[v].buildSeconds.toFixed(1)} s`],
  ];
  const cells = rows.map(([label, f]) => [label, ...order.map(f)]);
  const header = ['', ...order];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  if (r.pruned) {
    out.push('', `dependencies pruned of ${r.pruned.files} files no runtime needs (${humanSize(r.pruned.bytes)})`);
  }
  if (r.slicing) out.push('', slicingLine(r.slicing));
  if (r.icu?.length && !r.slicing) out.push('');
  for (const x of r.icu ?? []) out.push(icuLine(x));
  out.push('', `prod is ${(r.reduction * 100).toFixed(1)}% smaller than dev (compressed); ${r.name}:${r.tag} = ${r.name}:${r.tag}-prod (${r.variants.prod.digest.slice(0, 19)}…)`);
  return out.join('\n') + '\n';
}

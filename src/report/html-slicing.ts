// report.html's Slicing section: what slicing kept and left out of each of prod's runtime packages, and the loading
// rules that fired. Every figure is report.json's (`slicing`), tagged with its path for the page test.
import type { ReportPage } from './html-model.js';
import { bars, fig, size, table } from './html-parts.js';

/** Absent when prod was not sliced (`slicing: off`, or prod holding the build tools). */
export function slicingSection(p: ReportPage): string {
  const s = p.report.slicing;
  if (!s) return '';
  const at = (i: number, k: string) => `slicing.packages.${i}.${k}`;
  // Largest cut first; each figure keeps the index it has in report.json.
  const order = s.packages
    .map((pkg, i) => ({ pkg, i }))
    .sort((x, y) => y.pkg.removedBytes - x.pkg.removedBytes || (x.pkg.name < y.pkg.name ? -1 : 1));
  const rows = order.map(({ pkg, i }) => [
    fig(at(i, 'name'), pkg.name),
    pkg.whole ? 'whole (declared)' : 'sliced',
    `<span class="num">${fig(at(i, 'keptFiles'), pkg.keptFiles)}</span>`,
    `<span class="num">${fig(at(i, 'keptBytes'), pkg.keptBytes, size(pkg.keptBytes))}</span>`,
    `<span class="num">${fig(at(i, 'removedFiles'), pkg.removedFiles)}</span>`,
    `<span class="num">${fig(at(i, 'removedBytes'), pkg.removedBytes, size(pkg.removedBytes))}</span>`,
  ]);
  const head = ['package', 'kept', 'files kept', 'bytes kept', 'files left out', 'bytes left out'];
  const cut = s.packages.filter((x) => x.removedFiles > 0).length;
  const rules = s.rules.map((r, i) => [
    fig(`slicing.rules.${i}.rule`, r.rule),
    `<span class="num">${fig(`slicing.rules.${i}.paths`, r.paths)}</span>`,
  ]);
  const chart = bars(
    order.filter(({ pkg }) => pkg.removedBytes > 0).slice(0, 12)
      .map(({ pkg }) => ({ label: pkg.name, value: pkg.removedBytes, text: `${size(pkg.removedBytes)} left out` })),
    760,
  );
  const bytes = fig('slicing.removedBytes', s.removedBytes, size(s.removedBytes));
  const all = fig('slicing.packages.length', s.packages.length);
  return `<h2>Slicing</h2>
<p>${fig('slicing.removedFiles', s.removedFiles)} files (${bytes}) left out of
<span data-derived="sliced-packages">${cut}</span> of prod's ${all} runtime packages; declared packages stay whole.
<code>airlock why PATH</code> tells why a file was kept or left out.</p>
${cut ? chart : ''}${table(head, rows)}
<h3>Loading rules that fired</h3>
${rules.length ? table(['rule', 'paths kept'], rules) : '<p>none: the ELF links alone decided</p>'}`;
}

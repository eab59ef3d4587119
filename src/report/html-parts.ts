// Small pieces of report.html: escaping, sizes, tables and SVG bars. Pure string building, no scripts.

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(s: string | number | boolean): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Bytes in SI units, as the build table prints them. */
export function size(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

/** A figure the test reads back: shown as `text`, with the exact value and the report.json path in attributes. */
export function fig(path: string, value: string | number | boolean, text: string = String(value)): string {
  return `<span class="fig" data-figure="${esc(path)}" data-value="${esc(value)}">${esc(text)}</span>`;
}

/** A table from a header and rows of already-escaped cells. */
export function table(head: string[], rows: string[][], cls = ''): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** Horizontal bars, one per row, scaled to the largest value (widths as SVG attributes: no inline styles). */
export function bars(rows: { label: string; value: number; text: string }[], width = 560): string {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const labelW = 190;
  const h = 22;
  const items = rows.map((r, i) => {
    const w = Math.max(1, Math.round(((width - labelW - 90) * r.value) / max));
    const y = i * h;
    return (
      `<text x="0" y="${y + 15}">${esc(r.label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${h - 6}" fill="${PALETTE[i % PALETTE.length]}"/>` +
      `<text x="${labelW + w + 6}" y="${y + 15}">${esc(r.text)}</text>`
    );
  });
  return `<svg class="bars" width="${width}" height="${rows.length * h}" role="img">${items.join('')}</svg>`;
}

/** One stacked bar of shares (a treemap in one dimension) with its legend. */
export function stacked(slices: { name: string; bytes: number }[], width = 760): string {
  const total = slices.reduce((n, s) => n + s.bytes, 0) || 1;
  let x = 0;
  const rects = slices.map((s, i) => {
    const w = (width * s.bytes) / total;
    const r =
      `<rect x="${x.toFixed(2)}" y="0" width="${w.toFixed(2)}" height="26" fill="${PALETTE[i % PALETTE.length]}">` +
      `<title>${esc(s.name)}: ${esc(size(s.bytes))}</title></rect>`;
    x += w;
    return r;
  });
  const legend = slices.map(
    (s, i) =>
      `<li><svg width="10" height="10"><rect width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/></svg> ` +
      `${esc(s.name)} ${esc(size(s.bytes))} (${((100 * s.bytes) / total).toFixed(1)}%)</li>`,
  );
  const bar = `<svg class="stack" width="${width}" height="26" role="img">${rects.join('')}</svg>`;
  return `${bar}<ul class="legend">${legend.join('')}</ul>`;
}

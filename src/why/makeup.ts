// The makeup of the variants for report.html, from the why record (pure): bytes per package, directory and origin.
import type { Makeup, ReportPage, Slice } from '../report/html-model.js';
import type { Origin, WhyRecord } from './record.js';

const bySize = (a: Slice, b: Slice) =>
  b.bytes - a.bytes || b.files - a.files || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** An origin as the report names it: the package name, or the origin in brackets. */
export function originLabel(o: Origin): string {
  return o.startsWith('pkg:') ? o.slice(4) : `(${o})`;
}

/** The directory a file is counted under: its first two path components ("usr/lib"), or its parent at the top. */
export function dirOf(path: string): string {
  const parts = path.split('/');
  return parts.length <= 1 ? '/' : `/${parts.slice(0, Math.min(2, parts.length - 1)).join('/')}`;
}

function group(entries: [string, [number, Origin]][], key: (path: string, o: Origin) => string): Slice[] {
  const m = new Map<string, Slice>();
  for (const [p, [bytes, o]] of entries) {
    const k = key(p, o);
    const s = m.get(k) ?? { name: k, bytes: 0, files: 0 };
    s.bytes += bytes;
    s.files += 1;
    m.set(k, s);
  }
  return [...m.values()].sort(bySize);
}

type Files = Record<string, [number, Origin]>;

function makeup(files: Files): Makeup {
  const entries = Object.entries(files);
  const total = { name: 'total', bytes: entries.reduce((n, [, [b]]) => n + b, 0), files: entries.length };
  return { total, packages: group(entries, (_p, o) => originLabel(o)), dirs: group(entries, (p) => dirOf(p)) };
}

function leftInDev(dev: Files, prod: Files): ReportPage['leftInDev'] {
  const left = Object.entries(dev).filter(([p]) => !(p in prod));
  return {
    total: { name: 'total', bytes: left.reduce((n, [, [b]]) => n + b, 0), files: left.length },
    origins: group(left, (_p, o) => originLabel(o)),
  };
}

// Worked out once per pair of files maps (a build traces prod and dev while its tests run; the maps are never changed).
const made = new WeakMap<Files, WeakMap<Files, Pick<ReportPage, 'makeup' | 'leftInDev'>>>();
function parts(dev: Files, prod: Files): Pick<ReportPage, 'makeup' | 'leftInDev'> {
  const byProd = made.get(dev) ?? new WeakMap<Files, Pick<ReportPage, 'makeup' | 'leftInDev'>>();
  made.set(dev, byProd);
  let p = byProd.get(prod);
  if (!p) {
    p = { makeup: { prod: makeup(prod), dev: makeup(dev) }, leftInDev: leftInDev(dev, prod) };
    byProd.set(prod, p);
  }
  return p;
}

/** Works out the makeup of dev's and prod's files ahead of `makeupOf` (which then reuses it). */
export function prepareMakeup(dev: Files, prod: Files): void {
  parts(dev, prod);
}

/** prod's and dev's makeup, and what dev holds that prod does not. */
export function makeupOf(r: WhyRecord): Pick<ReportPage, 'makeup' | 'leftInDev' | 'hardening'> {
  const hardening = r.artifacts.flatMap((a) => (a.hardening ? [{ path: a.path, from: a.from, ...a.hardening }] : []));
  return { ...parts(r.files.dev, r.files.prod), hardening };
}

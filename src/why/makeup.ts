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
  const first = path.indexOf('/');
  if (first < 0) return '/';
  const second = path.indexOf('/', first + 1);
  return `/${path.slice(0, second < 0 ? first : second)}`;
}

type Files = Record<string, [number, Origin]>;

/** Slices by name, summed one file at a time (the maps hold tens of thousands of files: no entry arrays are made). */
class Slices {
  private readonly m = new Map<string, Slice>();
  add(name: string, bytes: number): void {
    const s = this.m.get(name);
    if (s) { s.bytes += bytes; s.files += 1; } else this.m.set(name, { name, bytes, files: 1 });
  }
  sorted(): Slice[] {
    return [...this.m.values()].sort(bySize);
  }
}

/** originLabel, each origin worked out once per call site (a files map repeats a few hundred origins). */
function labeller(): (o: Origin) => string {
  const labels = new Map<Origin, string>();
  return (o) => {
    let l = labels.get(o);
    if (l === undefined) { l = originLabel(o); labels.set(o, l); }
    return l;
  };
}

function makeup(files: Files): Makeup {
  const label = labeller();
  const packages = new Slices();
  const dirs = new Slices();
  let bytes = 0;
  let count = 0;
  for (const p in files) {
    const [b, o] = files[p]!;
    bytes += b;
    count++;
    packages.add(label(o), b);
    dirs.add(dirOf(p), b);
  }
  return { total: { name: 'total', bytes, files: count }, packages: packages.sorted(), dirs: dirs.sorted() };
}

function leftInDev(dev: Files, prod: Files): ReportPage['leftInDev'] {
  const label = labeller();
  const origins = new Slices();
  let bytes = 0;
  let count = 0;
  for (const p in dev) {
    if (p in prod) continue;
    const [b, o] = dev[p]!;
    bytes += b;
    count++;
    origins.add(label(o), b);
  }
  return { total: { name: 'total', bytes, files: count }, origins: origins.sorted() };
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

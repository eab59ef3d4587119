// The report page's makeup, summed in one pass per map, agrees with the sums spelled out the plain way (entries,
// split paths, one grouping per view) on maps with every shape of path and origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Slice } from '../report/html-model.js';
import { dirOf, makeupOf, originLabel } from './makeup.js';
import type { Origin, WhyRecord } from './record.js';

type Files = Record<string, [number, Origin]>;
const bySize = (a: Slice, b: Slice) => b.bytes - a.bytes || b.files - a.files || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const plainDir = (path: string) => {
  const parts = path.split('/');
  return parts.length <= 1 ? '/' : `/${parts.slice(0, Math.min(2, parts.length - 1)).join('/')}`;
};
const plainGroup = (entries: [string, [number, Origin]][], key: (p: string, o: Origin) => string): Slice[] => {
  const m = new Map<string, Slice>();
  for (const [p, [bytes, o]] of entries) {
    const s = m.get(key(p, o)) ?? { name: key(p, o), bytes: 0, files: 0 };
    s.bytes += bytes;
    s.files += 1;
    m.set(s.name, s);
  }
  return [...m.values()].sort(bySize);
};
const plainMakeup = (files: Files) => {
  const e = Object.entries(files);
  return {
    total: { name: 'total', bytes: e.reduce((n, [, [b]]) => n + b, 0), files: e.length },
    packages: plainGroup(e, (_p, o) => originLabel(o)), dirs: plainGroup(e, (p) => plainDir(p)),
  };
};

/** A deterministic pseudo-random files map: paths of 1-4 components (some empty), a dozen origins, sizes with ties. */
function files(seed: number, n: number): Files {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  const names = ['usr', 'lib', 'bin', 'etc', 'src', 'a', '', 'x86_64-linux-gnu', '__proto__', 'constructor'];
  const origins: Origin[] = ['pkg:libc6', 'pkg:bash', 'pkg:nodejs', 'artifact', 'installed', 'source', 'toolchain', 'airlock', 'builder'];
  const out: Files = Object.create(null) as Files;
  for (let i = 0; i < n; i++) {
    const depth = 1 + (next() % 4);
    const path = [...Array.from({ length: depth - 1 }, () => names[next() % names.length]!), `f${next() % 500}`].join('/');
    out[path] = [next() % 7 * 100, origins[next() % origins.length]!];
  }
  return Object.assign({}, out);
}

test('dirOf: the first two components, or the parent at the top, as the split form says', () => {
  for (const p of ['a', 'a/b', 'a/b/c', 'usr/lib/x86_64-linux-gnu/libc.so.6', 'a//b', '/a', 'a/']) assert.equal(dirOf(p), plainDir(p), p);
});

test('makeup of prod and dev and what dev holds beyond prod: the same as the plain sums', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const dev = files(seed, 3000);
    const prod = Object.fromEntries(Object.entries(dev).filter((_, i) => i % 3 === 0)) as Files;
    const got = makeupOf({ files: { dev, prod, test: dev }, artifacts: [] } as unknown as WhyRecord);
    assert.deepEqual(got.makeup, { prod: plainMakeup(prod), dev: plainMakeup(dev) }, `seed ${seed}`);
    const left = Object.entries(dev).filter(([p]) => !(p in prod));
    assert.deepEqual(got.leftInDev, {
      total: { name: 'total', bytes: left.reduce((n, [, [b]]) => n + b, 0), files: left.length },
      origins: plainGroup(left, (_p, o) => originLabel(o)),
    }, `seed ${seed}`);
    assert.ok(got.leftInDev.total.files > 0 && got.makeup.dev.dirs.length > 3, 'the maps are not trivial');
  }
});

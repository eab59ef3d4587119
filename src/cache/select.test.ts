import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { effectiveLastUse, selectPrune, type PruneCandidate, type PrunePolicy } from './select.js';
import type { EntryKind } from './layout.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1000 * DAY;
const HEXES = ['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(64));

const input = (id: string, kind: EntryKind, days: number, size: number): PruneCandidate => ({ id, kind, size, lastUse: NOW - days * DAY, refs: [] });
const blob = (hex: string, days: number, size: number): PruneCandidate => ({ ...input(`blobs/blobs/sha256/${hex}`, 'blobs', days, size), content: hex });
const record = (id: string, days: number, refs: string[]): PruneCandidate => ({ ...input(`layers/${id}.json`, 'layers', days, 10), refs });
const policy = (p: Partial<PrunePolicy>): PrunePolicy => ({ now: NOW, heldFrom: NOW, fixedSize: 0, ...p });
const ids = (s: ReturnType<typeof selectPrune>) => s.remove.map((r) => r.id).sort();

test('by age: entries unused for keepDays go; a record keeps the content it names as recent as itself', () => {
  const entries = [
    input('debs/sha256/old', 'debs', 40, 100), input('debs/sha256/new', 'debs', 3, 100),
    blob(HEXES[0]!, 90, 1000), record('recent', 1, [HEXES[0]!]),
    blob(HEXES[1]!, 90, 1000), record('stale', 60, [HEXES[1]!]),
  ];
  assert.equal(effectiveLastUse(entries).get(`blobs/blobs/sha256/${HEXES[0]}`), NOW - DAY);
  assert.deepEqual(ids(selectPrune(entries, policy({ keepDays: 30 }))), ['blobs/blobs/sha256/' + HEXES[1], 'debs/sha256/old', 'layers/stale.json']);
});

test('by size: least recently used first until the whole cache fits; entries in use stay even if it does not fit', () => {
  const entries = [input('rootfs/r1', 'rootfs', 5, 500), input('rootfs/r2', 'rootfs', 2, 500), input('rootfs/r3', 'rootfs', 9, 500)];
  const s = selectPrune(entries, policy({ maxSize: 1000, fixedSize: 200 }));
  assert.deepEqual(ids(s), ['rootfs/r1', 'rootfs/r3']);
  assert.equal(s.after, 700);
  assert.equal(s.fits, true);
  const held = selectPrune(entries, policy({ maxSize: 1, heldFrom: NOW - 6 * DAY }));
  assert.deepEqual(ids(held), ['rootfs/r3'], 'r1 and r2 were used since the oldest running build began');
  assert.deepEqual(held.held.sort(), ['rootfs/r1', 'rootfs/r2']);
  assert.equal(held.fits, false);
});

test('records go before the content they name (content is as recent as its newest record); without limits nothing goes', () => {
  const entries = [blob(HEXES[2]!, 10, 1000), record('x', 10, [HEXES[2]!]), record('y', 50, [HEXES[2]!, HEXES[3]!])];
  const s = selectPrune(entries, policy({ maxSize: 500 }));
  assert.deepEqual(ids(s), ['blobs/blobs/sha256/' + HEXES[2], 'layers/x.json', 'layers/y.json']);
  assert.deepEqual(selectPrune(entries, policy({})).remove, []);
});

const kinds: EntryKind[] = ['debs', 'npm', 'rootfs', 'upstream', 'gates'];
const arbDays = fc.integer({ min: 0, max: 100 });
const arbSize = fc.integer({ min: 0, max: 1000 });
const arbEntries = fc.array(fc.oneof(
  fc.record({ hex: fc.constantFrom(...HEXES), days: arbDays, size: arbSize, store: fc.constantFrom('blobs', 'cas') })
    .map(({ hex, days, size, store }) => ({ ...input(`${store}/${hex}`, store as EntryKind, days, size), content: hex })),
  fc.record({ days: arbDays, refs: fc.uniqueArray(fc.constantFrom(...HEXES), { maxLength: 3 }), kind: fc.constantFrom<EntryKind>('layers', 'steps', 'builds') })
    .map(({ days, refs, kind }) => ({ ...input(kind, kind, days, 10), refs })),
  fc.record({ days: arbDays, size: arbSize, kind: fc.constantFrom(...kinds) })
    .map(({ days, size, kind }) => input(kind, kind, days, size)),
), { maxLength: 25 }).map((es) => es.map((e, i) => ({ ...e, id: `${e.id}/${i}` })));
const arbPolicy = fc.record({
  keepDays: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  maxSize: fc.option(fc.integer({ min: 0, max: 8000 }), { nil: undefined }),
  heldDays: fc.integer({ min: 0, max: 100 }),
  fixedSize: fc.integer({ min: 0, max: 2000 }),
}).map(({ keepDays, maxSize, heldDays, fixedSize }): PrunePolicy => ({
  now: NOW, heldFrom: NOW - heldDays * DAY, fixedSize, ...(keepDays !== undefined ? { keepDays } : {}), ...(maxSize !== undefined ? { maxSize } : {}),
}));

test('properties: nothing in use goes, no kept record names removed content, old entries go, LRU order, the total fits or nothing more can go', () => {
  fc.assert(fc.property(arbEntries, arbPolicy, (entries, p) => {
    const s = selectPrune(entries, p);
    const used = effectiveLastUse(entries);
    const removed = new Set(s.remove.map((r) => r.id));
    const kept = entries.filter((e) => !removed.has(e.id));
    const free = (e: PruneCandidate) => used.get(e.id)! < p.heldFrom;
    for (const id of removed) assert.ok(free(entries.find((e) => e.id === id)!), `${id} is in use`);
    const goneContent = new Set(entries.filter((e) => removed.has(e.id) && e.content).map((e) => e.content));
    for (const e of kept) assert.ok(!e.refs.some((r) => goneContent.has(r)), `${e.id} names removed content`);
    if (p.keepDays !== undefined) {
      for (const e of kept) assert.ok(!free(e) || used.get(e.id)! >= p.now - p.keepDays * DAY, `${e.id} is older than keepDays`);
    }
    assert.equal(s.after, p.fixedSize + kept.reduce((n, e) => n + e.size, 0));
    if (p.maxSize !== undefined) {
      assert.ok(s.fits === s.after <= p.maxSize);
      assert.ok(s.fits || kept.every((e) => !free(e)), 'over the limit while something unused is kept');
      const bySize = s.remove.filter((r) => r.reason === 'size').map((r) => used.get(r.id)!);
      const newestRemoved = Math.max(-Infinity, ...bySize);
      for (const e of kept.filter(free)) assert.ok(used.get(e.id)! >= newestRemoved, `${e.id} kept though older than a removed entry`);
    } else assert.equal(s.fits, true);
    if (p.keepDays === undefined && p.maxSize === undefined) assert.equal(s.remove.length, 0);
  }), { numRuns: 500, seed: 11 });
});

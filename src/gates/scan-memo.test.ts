// The content scan's memo, per layer and scanner: a known layer is not read again and gives the same findings; of a
// layer whose hidden files changed, only those files are read; a layer nobody recorded is read; runs of two profiles
// share the records of scanners that declare their settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileEntry } from '../image/entry.js';
import { allChecks } from './checks/index.js';
import { runGates, type LayerScanRecord, type ScanMemo } from './run-gates.js';
import { file, image } from './test-kit.js';

const KEY = '-----BEGIN RSA PRIVATE KEY-----\n' + 'MIIE'.repeat(20) + '\n';

function memo(store: Map<string, LayerScanRecord>, keys: Record<number, string>, profile?: string): ScanMemo {
  return {
    // As the pipeline keys them: a scanner that declares its settings is keyed by them, the others by the run's.
    keyOf: (l, id, declared) => (keys[l] === undefined ? undefined : JSON.stringify([keys[l], id, declared !== undefined ? declared : profile])),
    read: async (k) => store.get(k),
    write: async (k, r) => { store.set(k, structuredClone(r)); },
  };
}

/** The same files, but reading their bytes fails the test: proves a layer was not read. */
const unreadable = (entries: FileEntry[], except = ''): FileEntry[] => entries.map((e) => (e.type !== 'file' || e.path === except ? e : {
  ...e, open: async function* () { throw new Error(`read ${e.path}`); },
}));

const base = () => [file('etc/os-release', 'ID=debian\n'), file('usr/share/doc/key.pem', KEY), file('usr/bin/tool', 'x'.repeat(100))];

test('a recorded layer is replayed without reading it, with the same findings', async () => {
  const store = new Map<string, LayerScanRecord>();
  const top = [file('app/main.py', 'print(1)\n')];
  const first = await runGates(await image([base(), top]), { profile: 'dev', memo: memo(store, { 0: 'base', 1: 'top-1' }) });
  assert.ok(first.findings.some((f) => f.id === 'no-secrets' && f.path === 'usr/share/doc/key.pem'));
  const layersKept = new Set([...store.keys()].map((k) => JSON.parse(k)[0]));
  assert.deepEqual([...layersKept].sort(), ['base', 'top-1']);
  // Another top layer over the same base: the base is not read.
  const top2 = [file('app/main.py', 'print(2)\n'), file('app/id_rsa', KEY)];
  const second = await runGates(await image([unreadable(base()), top2]), { profile: 'dev', memo: memo(store, { 0: 'base', 1: 'top-2' }) });
  const secrets = (r: typeof first) => r.findings.filter((f) => f.id === 'no-secrets').map((f) => f.path);
  const fresh = await runGates(await image([base(), top2]), { profile: 'dev' });
  assert.deepEqual([...new Set(secrets(second))], ['app/id_rsa', 'usr/share/doc/key.pem']);
  assert.deepEqual(second.findings, fresh.findings, 'replayed findings equal a full scan');
});

test('of a layer whose hidden files differ from the record, only those are read again; a layer with no key is read', async () => {
  const store = new Map<string, LayerScanRecord>();
  await runGates(await image([base(), [file('app/x', '1')]]), { profile: 'dev', memo: memo(store, { 0: 'base', 1: 't' }) });
  // A later layer now hides a file of the base: that file's findings would say "hidden", so it alone is read again.
  const hiding = [file('usr/bin/tool', 'y')];
  await assert.rejects(runGates(await image([unreadable(base()), hiding]), { profile: 'dev', memo: memo(store, { 0: 'base', 1: 'h' }) }), /read usr\/bin\/tool/);
  const r = await runGates(await image([unreadable(base(), 'usr/bin/tool'), hiding]), { profile: 'dev', memo: memo(store, { 0: 'base', 1: 'h' }) });
  const full = await runGates(await image([base(), hiding]), { profile: 'dev' });
  assert.deepEqual(r.findings, full.findings);
  // Hiding the key itself: replayed from the record, its finding now says it is hidden, as a full scan says.
  const hidingKey = [file('usr/share/doc/key.pem', 'gone')];
  const k = await runGates(await image([unreadable(base(), 'usr/share/doc/key.pem'), hidingKey]), { profile: 'dev', memo: memo(store, { 0: 'base', 1: 'k' }) });
  const kFull = await runGates(await image([base(), hidingKey]), { profile: 'dev' });
  assert.deepEqual(k.findings, kFull.findings);
  assert.ok(k.findings.some((f) => f.path === 'usr/share/doc/key.pem' && /hidden by a later layer/.test(f.message)));
  await assert.rejects(runGates(await image([unreadable(base()), [file('app/x', '1')]]), { profile: 'dev', memo: memo(store, { 1: 't' }) }), /read /);
});

test('dev and test share the records of scanners that declare their settings, not of those that do not', async () => {
  const store = new Map<string, LayerScanRecord>();
  const dev = await runGates(await image([base(), [file('app/x', '1')]]), { profile: 'dev', memo: memo(store, { 0: 'base', 1: 't' }, 'dev') });
  // no-secrets declares its settings: the test run replays dev's record of the base without reading it.
  const test = await runGates(await image([unreadable(base()), [file('app/x', '1')]]), { profile: 'test', memo: memo(store, { 0: 'base', 1: 't' }, 'test') });
  assert.deepEqual(test.findings.filter((f) => f.id === 'no-secrets'), dev.findings.filter((f) => f.id === 'no-secrets'));
  // The same files with a scanner that declares nothing (a copy of no-secrets without scanSettings): read again.
  const undeclared = allChecks.map((c) => (c.id === 'no-secrets' ? { ...c, scanSettings: undefined } : c));
  await runGates(await image([base(), [file('app/x', '1')]]), { profile: 'dev', checks: undeclared, memo: memo(store, { 0: 'base', 1: 't' }, 'dev') });
  await assert.rejects(runGates(await image([unreadable(base()), [file('app/x', '1')]]), { profile: 'test', checks: undeclared, memo: memo(store, { 0: 'base', 1: 't' }, 'test') }), /read /);
});

test('paths that are property names (constructor, __proto__, toString) are recorded and replayed like any other', async () => {
  const store = new Map<string, LayerScanRecord>();
  const odd = () => [file('constructor', KEY), file('__proto__', KEY), file('toString', 'plain\n'), file('hasOwnProperty', KEY)];
  const first = await runGates(await image([odd(), [file('app/x', '1')]]), { profile: 'dev', memo: memo(store, { 0: 'odd', 1: 't' }) });
  const secrets = (r: typeof first) => r.findings.filter((f) => f.id === 'no-secrets').map((f) => f.path).sort();
  assert.deepEqual(secrets(first), ['__proto__', 'constructor', 'hasOwnProperty']);
  // Through JSON, as the pipeline keeps records.
  for (const [k, v] of store) store.set(k, JSON.parse(JSON.stringify(v)));
  const again = await runGates(await image([unreadable(odd()), [file('app/x', '1')]]), { profile: 'dev', memo: memo(store, { 0: 'odd', 1: 't' }) });
  assert.deepEqual(again.findings, first.findings);
});

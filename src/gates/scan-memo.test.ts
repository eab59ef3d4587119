// Per-layer memo of the content scan: a known layer is not read again and gives the same findings; a layer whose
// hidden files changed, or that nobody recorded, is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileEntry } from '../image/entry.js';
import { runGates, type LayerScanRecord, type ScanMemo } from './run-gates.js';
import { file, image } from './test-kit.js';

const KEY = '-----BEGIN RSA PRIVATE KEY-----\n' + 'MIIE'.repeat(20) + '\n';

function memo(store: Map<string, LayerScanRecord>, keys: Record<number, string>): ScanMemo {
  return {
    keyOf: (l) => keys[l],
    read: async (k) => store.get(k),
    write: async (k, r) => { store.set(k, structuredClone(r)); },
  };
}

/** The same files, but reading their bytes fails the test: proves a layer was not read. */
const unreadable = (entries: FileEntry[]): FileEntry[] => entries.map((e) => (e.type !== 'file' ? e : {
  ...e, open: async function* () { throw new Error(`read ${e.path}`); },
}));

const base = () => [file('etc/os-release', 'ID=debian\n'), file('usr/share/doc/key.pem', KEY), file('usr/bin/tool', 'x'.repeat(100))];

test('a recorded layer is replayed without reading it, with the same findings', async () => {
  const store = new Map<string, LayerScanRecord>();
  const top = [file('app/main.py', 'print(1)\n')];
  const first = await runGates(await image([base(), top]), { profile: 'dev', memo: memo(store, { 0: 'base', 1: 'top-1' }) });
  assert.ok(first.findings.some((f) => f.id === 'no-secrets' && f.path === 'usr/share/doc/key.pem'));
  assert.ok(store.has('base') && store.has('top-1'));
  // Another top layer over the same base: the base is not read.
  const top2 = [file('app/main.py', 'print(2)\n'), file('app/id_rsa', KEY)];
  const second = await runGates(await image([unreadable(base()), top2]), { profile: 'dev', memo: memo(store, { 0: 'base', 1: 'top-2' }) });
  const secrets = (r: typeof first) => r.findings.filter((f) => f.id === 'no-secrets').map((f) => f.path);
  const fresh = await runGates(await image([base(), top2]), { profile: 'dev' });
  assert.deepEqual([...new Set(secrets(second))], ['app/id_rsa', 'usr/share/doc/key.pem']);
  assert.deepEqual(second.findings, fresh.findings, 'replayed findings equal a full scan');
});

test('a layer whose hidden files differ from the record, or with no key, is read again', async () => {
  const store = new Map<string, LayerScanRecord>();
  await runGates(await image([base(), [file('app/x', '1')]]), { profile: 'dev', memo: memo(store, { 0: 'base', 1: 't' }) });
  // A later layer now hides a file of the base: the record (nothing hidden) does not apply.
  const hiding = [file('usr/bin/tool', 'y')];
  await assert.rejects(runGates(await image([unreadable(base()), hiding]), { profile: 'dev', memo: memo(store, { 0: 'base', 1: 'h' }) }), /read /);
  const r = await runGates(await image([base(), hiding]), { profile: 'dev', memo: memo(store, { 0: 'base', 1: 'h' }) });
  const full = await runGates(await image([base(), hiding]), { profile: 'dev' });
  assert.deepEqual(r.findings, full.findings);
  await assert.rejects(runGates(await image([unreadable(base()), [file('app/x', '1')]]), { profile: 'dev', memo: memo(store, { 1: 't' }) }), /read /);
});

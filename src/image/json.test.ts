import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, scriptJson, stableJson } from './json.js';

/** A random JSON value: nested objects and arrays, keys that sort differently by code unit and by locale, index-like keys. */
function randomValue(rand: () => number, depth = 0): unknown {
  const keys = ['a', 'B', 'b', '_', 'é', 'z', '10', '9', '0', '01', '-1', '1.5', 'key with space', '\u{1F600}', 'ä', '', 'constructor'];
  const r = rand();
  if (depth > 3 || r < 0.3) {
    const leaves = [null, true, false, 0, -0, 1.5, -42, 1e21, 'text', '', 'quote " and \\\\', 'ünïcode', undefined];
    return leaves[Math.floor(rand() * leaves.length)];
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rand() * 5); i > 0; i--) {
    const k = keys[Math.floor(rand() * keys.length)]!;
    // Index-like keys only in some values, so both the native path and the script fallback are exercised.
    if (/^(0|[1-9][0-9]*)$/.test(k) && rand() < 0.7) continue;
    o[k] = randomValue(rand, depth + 1);
  }
  return o;
}

test('canonical and stable JSON encode exactly as the script encoder, on 2000 random values', () => {
  let seed = 7;
  const rand = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
  let indexKeys = 0;
  for (let i = 0; i < 2000; i++) {
    const v = randomValue(rand);
    if (/"(0|[1-9][0-9]*)":/.test(scriptJson.canonical(v) ?? '')) indexKeys++;
    assert.equal(canonicalJson(v), scriptJson.canonical(v));
    assert.equal(stableJson(v), scriptJson.stable(v));
  }
  assert.ok(indexKeys > 50, `values with index-like keys were generated (${indexKeys})`);
});

test('keys sort by code unit at every level; undefined members are left out; index-like keys too', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: undefined }], c: null }, B: true }), '{"B":true,"a":{"c":null,"d":[3,{"y":1}]},"b":1}');
  assert.equal(canonicalJson({ 9: 'a', 10: 'b', x: 1 }), '{"10":"b","9":"a","x":1}');
  assert.equal(stableJson({ b: [], a: {} }), '{\n  "a": {},\n  "b": []\n}\n');
  assert.equal(canonicalJson([undefined, 1]), '[null,1]');
});

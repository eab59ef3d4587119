// why.json's files maps rendered line by line the fast way read the same as the plain rendering (JSON.stringify of
// each sorted key and value), whatever the keys; why.json's text and bytes keep their layout byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesLines, renderWhyFiles, whyJson, whyJsonBytes, type WhyRecord } from './record.js';
import type { Origin } from './record.js';

const plain = (m: Record<string, unknown>, indent = '      ') => {
  const keys = Object.keys(m).sort();
  return keys.length ? `{\n${keys.map((k) => `${indent}${JSON.stringify(k)}: ${JSON.stringify(m[k])}`).join(',\n')}\n${indent.slice(2)}}` : '{}';
};

test('filesLines: the same text as one JSON.stringify per sorted key and value', () => {
  const maps: Record<string, [number, Origin]>[] = [
    {},
    { 'usr/bin/a': [1, 'pkg:a'], 'usr/bin/b': [2, 'pkg:b'] },
    { 'z': [0, 'airlock'], 'a': [5, 'pkg:x'], '10': [1, 'source'], '2': [3, 'source'], 'é/ü': [4, 'builder'] },
    { 'a"quote': [1, 'pkg:q"'], 'back\\slash': [2, 'installed'], 'tab\there': [3, 'toolchain'], 'nl\n': [4, 'artifact'] },
    { 'huge': [2 ** 60, 'pkg:big'], 'frac': [1.5, 'pkg:f'] },
  ];
  let x = 7;
  const big: Record<string, [number, Origin]> = {};
  for (let i = 0; i < 5000; i++) {
    x = (x * 48271) % 2147483647;
    big[`usr/share/p${x % 97}/f${x}`] = [x % 10000, `pkg:p${x % 97}` as Origin];
  }
  maps.push(big);
  for (const m of maps) {
    assert.equal(filesLines(m), plain(m), JSON.stringify(Object.keys(m).slice(0, 5)));
    assert.equal(filesLines(m, '    '), plain(m, '    '));
  }
});

test('why.json text and bytes: the layout as written so far, byte for byte (files maps, slicing, made)', () => {
  const r = {
    format: 1, name: 'n', tag: 't', prodHasBuildTools: false, artifacts: [{ path: 'usr/bin/a', from: 'out' }],
    needed: [{ by: 'a', library: 'l', foundAt: 'f', file: 'f' }], packages: { prod: { libc6: { kind: 'base' } }, builder: {} },
    files: { dev: { a: [1, 'builder'], 10: [2, 'source'] }, prod: {}, test: { 'x"y': [3, 'pkg:z'] } },
    slicing: { reasons: [], kept: {}, removed: {} }, made: { x: { package: 'p', how: 'h' } },
  } as unknown as WhyRecord;
  const expected = '{\n  "format": 1,\n  "name": "n",\n  "tag": "t",\n  "prodHasBuildTools": false,\n  "artifacts": [\n'
    + '    {"path":"usr/bin/a","from":"out"}\n  ],\n  "needed": [\n    {"by":"a","library":"l","foundAt":"f","file":"f"}\n  ],\n'
    + '  "packages": {\n    "prod": {\n      "libc6": {"kind":"base"}\n    },\n    "builder": {}\n  },\n  "files": {\n'
    + '    "dev": {\n      "10": [2,"source"],\n      "a": [1,"builder"]\n    },\n    "prod": {},\n    "test": {\n'
    + '      "x\\"y": [3,"pkg:z"]\n    }\n  },\n  "slicing": {\n    "reasons": [\n    ],\n    "kept": {},\n    "removed": {}\n  },\n'
    + '  "made": {\n    "x": {"package":"p","how":"h"}\n  }\n}\n';
  assert.equal(whyJson(r), expected);
  renderWhyFiles(r.files.dev); // encoded ahead, as a build does for prod and dev
  assert.ok(whyJsonBytes(r).equals(Buffer.from(expected)));
  const { slicing: _s, made: _m, ...plain } = r;
  assert.ok(whyJsonBytes(plain).equals(Buffer.from(whyJson(plain))), 'without slicing and made');
  assert.deepEqual(JSON.parse(whyJson(plain)).files, r.files);
});

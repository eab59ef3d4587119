import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileEntry } from '../image/entry.js';
import { explain } from './explain.js';
import { formatWhy } from './format.js';
import { makeupOf, prepareMakeup } from './makeup.js';
import { packageReasons, traceBuild, traceFiles, type TraceInput } from './trace.js';
import { renderWhyFiles, whyJson, type WhyRecord } from './record.js';

const f = (path: string, size = 10, type: FileEntry['type'] = 'file'): FileEntry => ({
  path,
  type,
  mode: 0o644,
  uid: 0,
  gid: 0,
  size,
});

test('package reasons: requests first, then closure needs, then the breadth-first parent, else the base', () => {
  const set = [
    { name: 'app-rt', depends: ['libb'] },
    { name: 'liba', depends: ['libb'] },
    { name: 'libb', depends: ['libc6'] },
    { name: 'libc6', depends: [] },
    { name: 'dash', depends: [] },
  ];
  const r = packageReasons(
    set,
    ['app-rt=1.0'],
    [
      {
        by: 'usr/bin/app',
        library: 'liba.so.1',
        foundAt: 'usr/lib/liba.so.1',
        file: 'usr/lib/liba.so.1',
        package: 'liba',
      },
    ],
  );
  assert.deepEqual(r['app-rt'], { kind: 'request', request: 'app-rt=1.0' });
  assert.deepEqual(r.liba, { kind: 'closure', library: 'liba.so.1', by: 'usr/bin/app' });
  assert.deepEqual(r.libb, { kind: 'dependency', of: 'app-rt' });
  assert.deepEqual(r.libc6, { kind: 'dependency', of: 'libb' });
  assert.deepEqual(r.dash, { kind: 'base' });
});

function input(): TraceInput {
  const owners: Record<string, string> = {
    'usr/lib/liba.so.1': 'liba',
    'usr/lib/libb.so.2': 'libb',
    'usr/bin/gcc': 'gcc',
    'usr/share/doc/liba/copyright': 'liba',
  };
  return {
    name: 'app',
    tag: 'v1',
    layers: {
      prod: [
        [
          f('usr', 0, 'dir'),
          f('usr/lib/liba.so.1', 100),
          f('usr/lib/libb.so.2', 200),
          f('usr/share/doc/liba/copyright', 5),
          f('var/lib/dpkg/status.d/liba'),
        ],
        [f('etc/passwd')],
        [f('usr/bin/app', 1000)],
      ],
      dev: [
        [f('usr/lib/liba.so.1', 100), f('usr/lib/libb.so.2', 200), f('usr/bin/gcc', 5000), f('var/lib/dpkg/status')],
        [f('src/main.c', 7)],
        [f('usr/bin/app', 1500)],
      ],
      test: [[f('usr/bin/gcc', 5000)], [f('usr/bin/app', 1500)]],
    },
    owner: (p) => owners[p],
    prodPackages: [
      { name: 'liba', depends: ['libb'] },
      { name: 'libb', depends: [] },
    ],
    builderPackages: [
      { name: 'liba', depends: ['libb'] },
      { name: 'libb', depends: [] },
      { name: 'gcc', depends: [] },
    ],
    runtimeRequests: [],
    builderRequests: ['gcc'],
    needed: [
      {
        by: 'usr/bin/app',
        library: 'liba.so.1',
        foundAt: 'usr/lib/liba.so.1',
        file: 'usr/lib/liba.so.1',
        package: 'liba',
      },
      {
        by: 'usr/lib/liba.so.1',
        library: 'libb.so.2',
        foundAt: 'usr/lib/libb.so.2',
        file: 'usr/lib/libb.so.2',
        package: 'libb',
      },
    ],
    artifacts: [{ path: 'usr/bin/app', from: '$AIRLOCK_OUT/usr/bin/app' }],
    installed: new Set(['usr/bin/app']),
    toolchain: new Set(),
    made: { prod: new Set(['etc/passwd']), dev: new Set(), test: new Set() },
    source: { prod: false, dev: true, test: false },
    prodHasBuildTools: false,
  };
}

test('each visible file gets its origin; directories are left out', () => {
  const r = traceBuild(input());
  assert.deepEqual(r.files.prod, {
    'etc/passwd': [10, 'airlock'],
    'usr/bin/app': [1000, 'artifact'],
    'usr/lib/liba.so.1': [100, 'pkg:liba'],
    'usr/lib/libb.so.2': [200, 'pkg:libb'],
    'usr/share/doc/liba/copyright': [5, 'pkg:liba'],
    'var/lib/dpkg/status.d/liba': [10, 'airlock'],
  });
  assert.deepEqual(r.files.dev['usr/bin/app'], [1500, 'installed']);
  assert.deepEqual(r.files.dev['src/main.c'], [7, 'source']);
  assert.deepEqual(r.files.dev['var/lib/dpkg/status'], [10, 'builder']);
  assert.deepEqual(r.files.dev['usr/bin/gcc'], [5000, 'pkg:gcc']);
  assert.equal(JSON.parse(whyJson(r)).files.prod['usr/bin/app'][1], 'artifact', 'why.json parses back');
  assert.equal(whyJson(r), whyJson(traceBuild(input())), 'deterministic');
});

test("variants traced early (and their why.json text rendered) give the record and the text of one pass", () => {
  const i = input();
  const whole = traceBuild(i);
  const { layers: _layers, ...facts } = i;
  const early = { dev: traceFiles(facts, 'dev', i.layers.dev), prod: traceFiles(facts, 'prod', i.layers.prod) };
  renderWhyFiles(early.dev);
  renderWhyFiles(early.prod);
  const split = traceBuild(i, early);
  assert.deepEqual(split, whole);
  assert.equal(split.files.dev, early.dev, 'the early files are used, not worked out again');
  assert.equal(whyJson(split), whyJson(whole));
  // The report page's makeup, worked out ahead from the early maps, is that of the one-pass record.
  prepareMakeup(early.dev, early.prod);
  assert.deepEqual(makeupOf(split), makeupOf(whole));
  assert.equal(makeupOf(split).makeup, makeupOf(split).makeup, 'kept for the same maps');
});

test('explain: the NEEDED chain through a library up to the artifact, merged-usr paths, packages by reason', () => {
  const r = traceBuild(input());
  const b = explain(r, '/lib/libb.so.2', 'prod');
  assert.equal(b.path, 'usr/lib/libb.so.2');
  assert.deepEqual(
    b.chain.map((s) => s.kind),
    ['file', 'needed', 'needed', 'artifact'],
  );
  assert.match(
    formatWhy(b, 'app:v1-prod'),
    /libb\.so\.2, NEEDED by \/usr\/lib\/liba\.so\.1\n.*liba\.so\.1, NEEDED by \/usr\/bin\/app\n.*declared artifact/,
  );
  const doc = explain(r, 'usr/share/doc/liba/copyright', 'prod');
  assert.deepEqual(doc.chain[1], {
    kind: 'package',
    name: 'liba',
    set: 'prod',
    reason: { kind: 'closure', library: 'liba.so.1', by: 'usr/bin/app' },
  });
  const dir = explain(r, '/usr/lib', 'prod');
  assert.deepEqual(dir.directory, { files: 2, bytes: 300, origins: { 'pkg:liba': 1, 'pkg:libb': 1 } });
});

test('explain: absent from prod but in dev says it stayed behind; absent everywhere says so', () => {
  const r = traceBuild(input());
  const gcc = explain(r, '/usr/bin/gcc', 'prod');
  assert.equal(gcc.found, false);
  assert.deepEqual(gcc.inDev?.[1], {
    kind: 'package',
    name: 'gcc',
    set: 'builder',
    reason: { kind: 'request', request: 'gcc' },
  });
  assert.match(formatWhy(gcc, 'app:v1-prod'), /not in app:v1-prod\nit is in dev \(it stayed behind\)/);
  assert.match(formatWhy(explain(r, '/nope', 'prod'), 'x'), /not in dev either/);
});

test('makeup: bytes per package, directory and what stayed in dev', () => {
  const m = makeupOf(traceBuild(input()) as WhyRecord);
  assert.equal(m.makeup!.prod.total.bytes, 1325);
  assert.deepEqual(m.makeup!.prod.packages[0], { name: '(artifact)', bytes: 1000, files: 1 });
  assert.deepEqual(
    m.makeup!.prod.dirs.map((d) => d.name),
    ['/usr/bin', '/usr/lib', '/etc', '/var/lib', '/usr/share'],
  );
  assert.deepEqual(m.leftInDev!.origins, [
    { name: 'gcc', bytes: 5000, files: 1 },
    { name: '(builder)', bytes: 10, files: 1 },
    { name: '(source)', bytes: 7, files: 1 },
  ]);
});

test('explain: a file slicing left out names the rule that did not apply and why its package is in prod', () => {
  const i = input();
  i.slicing = {
    keptBy: new Map([['usr/share/doc/liba/copyright', 'copyright files']]),
    leftOut: new Map([['usr/lib/libnss_files.so.2', { package: 'libb', reason: 'the rule for NSS modules did not apply' }]]),
  };
  const r = traceBuild(i);
  assert.deepEqual(JSON.parse(whyJson(r)).slicing, r.slicing, 'why.json carries the slicing record');
  const nss = explain(r, '/lib/libnss_files.so.2', 'prod');
  assert.equal(nss.found, false);
  assert.equal(nss.sliced?.package, 'libb');
  const text = formatWhy(nss, 'app:v1-prod');
  assert.match(text, /not in app:v1-prod\nslicing left it out of Debian package libb: the rule for NSS modules did not apply\n {2}libb is in prod/);
  assert.match(text, /variants\.prod\.keep: \["\/usr\/lib\/libnss_files\.so\.2"\]/);
  const doc = explain(r, '/usr/share/doc/liba/copyright', 'prod');
  assert.deepEqual(doc.chain[1], { kind: 'rule', rule: 'copyright files' });
  assert.match(formatWhy(doc, 'app:v1-prod'), /slicing kept it by its rule for copyright files/);
  assert.equal(explain(r, '/lib/libnss_files.so.2', 'dev').sliced, undefined, 'only prod is sliced');
});

test('explain: a file airlock made in place of a package\'s says so, how, and why that package is in prod', () => {
  const i = input();
  i.replaced = { 'usr/lib/libb.so.2': { package: 'libb', how: 'its ICU data (icudt72_dat) trimmed to the languages en (variants.prod.icu)' } };
  const r = traceBuild(i);
  assert.deepEqual(r.files.prod['usr/lib/libb.so.2'], [200, 'airlock'], 'no longer the package\'s file');
  assert.deepEqual(r.files.dev['usr/lib/libb.so.2'], [200, 'pkg:libb'], 'dev keeps Debian\'s');
  assert.deepEqual(JSON.parse(whyJson(r)).made, i.replaced, 'why.json carries what was made');
  const made = explain(r, '/usr/lib/libb.so.2', 'prod');
  assert.deepEqual(made.chain.map((s) => s.kind), ['file', 'made', 'package', 'needed', 'artifact']);
  assert.match(formatWhy(made, 'app:v1-prod'), /\(200 bytes\) is made by airlock \(.*trimmed ICU data\)\n +← made in place of the file of libb: its ICU data \(icudt72_dat\) trimmed to the languages en \(variants\.prod\.icu\)\n +← libb is in prod because it provides libb\.so\.2, NEEDED by \/usr\/lib\/liba\.so\.1\n/);
  assert.equal(JSON.parse(whyJson(traceBuild(input()))).made, undefined, 'no record when nothing was made');
});

test("test's files traced after dev's: the files they share keep dev's origins, and the map is the one traced alone", () => {
  // One builder layer under dev and test (the same entries, as a build's are), with what tells them apart: files
  // airlock made in dev, source, the install root, a file the test layer replaces.
  const builder = [f('etc/group', 2), f('etc/passwd', 3), f('usr/bin/gcc', 5000), f('usr/lib/liba.so.1', 100), f('src/old.c', 4), f('var/lib/dpkg/status'), f('usr/bin/app', 9)];
  const devLayers = [builder, [f('etc/passwd', 4), f('src/main.c', 7), f('home/dev', 0, 'dir')], [f('usr/bin/app', 1500)]];
  const testLayers = [builder, [f('src/main.c', 7), f('src/main.test.c', 8), f('usr/bin/gcc', 6000)]];
  for (const source of [{ dev: true, test: true, prod: false }, { dev: false, test: true, prod: false }, { dev: true, test: false, prod: false }]) {
    const { layers: _l, ...facts } = input();
    const made = { dev: new Set(['etc/passwd', 'etc/group', 'home/dev']), test: new Set<string>(), prod: new Set<string>() };
    const i = { ...facts, source, made, installed: new Set(['usr/bin/app']) };
    const dev = traceFiles(i, 'dev', devLayers);
    const alone = traceFiles(i, 'test', testLayers);
    const after = traceFiles(i, 'test', testLayers, { variant: 'dev', files: dev });
    assert.deepEqual(after, alone, JSON.stringify(source));
    assert.equal(after['usr/lib/liba.so.1'], dev['usr/lib/liba.so.1'], 'a shared builder file keeps dev\'s origin');
    assert.notEqual(after['etc/passwd'], dev['etc/passwd'], 'dev\'s made file is not shared');
    assert.deepEqual([dev['etc/group']?.[1], after['etc/group']?.[1]], ['airlock', 'builder'], 'made in dev only, from the same entry');
    assert.deepEqual(after['usr/bin/gcc'], [6000, 'pkg:gcc'], 'the test layer\'s own file');
    const whole = traceBuild({ ...i, layers: { dev: devLayers, prod: input().layers.prod, test: testLayers } });
    assert.deepEqual(whole.files.test, alone);
  }
});

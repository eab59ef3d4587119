// Normalization: per-variant defaults, aliases, paths, ports, sizes, commands, artifacts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize, VARIANT_DEFAULTS } from './normalize.js';
import { WrittenConfigSchema } from './schema.js';
import { parseSize } from './size.js';
import { splitCommand } from './command.js';

const norm = (w: unknown, file = '/home/u/proj/airlock.yaml') => normalize(WrittenConfigSchema.parse(w), { file, architecture: 'amd64' });

test('defaults: tag, language, hardening, variants, architecture, source', () => {
  const c = norm({ name: 'app' });
  assert.equal(c.tag, 'latest');
  assert.equal(c.language, 'c');
  assert.equal(c.buildFlags.hardening, 'standard');
  assert.equal(c.debian.architecture, 'amd64');
  assert.equal(c.source, '/home/u/proj');
  assert.equal(c.dir, '/home/u/proj');
  assert.equal(c.artifacts, undefined, 'undefined = the default artifact rule');
  assert.deepEqual(c.build, {});
  assert.deepEqual(c.variants, VARIANT_DEFAULTS);
  assert.deepEqual(c.variants.dev, { includeBuildTools: true, includeSource: true, includeTests: true, stripBinaries: false, debugTools: ['gdb', 'strace'] });
  assert.deepEqual(c.variants.prod, { includeBuildTools: false, includeSource: false, includeTests: false, stripBinaries: true, debugTools: [] });
  assert.deepEqual(c.variants.test, { includeBuildTools: true, includeSource: true, includeTests: true, stripBinaries: false, debugTools: [] });
});

test('variant flags override only what is written; sizes become bytes', () => {
  const c = norm({ name: 'app', variants: { prod: { include_source: true, max_size: '50MB' }, dev: { debug_tools: ['valgrind'], max_size: '1.5 GiB' }, test: { max_size: 1024 } } });
  assert.equal(c.variants.prod.includeSource, true);
  assert.equal(c.variants.prod.stripBinaries, true);
  assert.equal(c.variants.prod.maxSize, 50_000_000);
  assert.equal(c.variants.dev.maxSize, 1.5 * 2 ** 30);
  assert.deepEqual(c.variants.dev.debugTools, ['valgrind']);
  assert.equal(c.variants.test.maxSize, 1024);
});

test('language aliases are canonical', () => {
  const cases: [string, string][] = [['c++', 'cpp'], ['cpp', 'cpp'], ['nodejs', 'node'], ['javascript', 'node'], ['typescript', 'node'], ['go', 'go'], ['java', 'java']];
  for (const [written, canonical] of cases) assert.equal(norm({ name: 'a', base_language: written }).language, canonical, written);
});

test('packages: strings, pins, maps, duplicates keep the first', () => {
  const c = norm({ name: 'a', packages: ['curl', 'libssl3=3.0.11-1~deb12u2', { zlib1g: '1:1.2.13.dfsg-1' }, 'curl'], dev_packages: ['cmake'] });
  assert.deepEqual(c.packages, [{ name: 'curl' }, { name: 'libssl3', version: '3.0.11-1~deb12u2' }, { name: 'zlib1g', version: '1:1.2.13.dfsg-1' }]);
  assert.deepEqual(c.devPackages, [{ name: 'cmake' }]);
});

test('runtime: commands split, ports normalized and sorted, env and labels sorted strings', () => {
  const c = norm({ name: 'a', runtime: { entrypoint: '/usr/bin/app --name "hello world" \'$x\'', cmd: ['--port', '8080'], ports: ['9090', 8080, '53/udp', '8080/tcp'], env: { B: 1, A: true }, labels: { z: 'x', a: 2 }, user: 65532, workdir: '/srv' } });
  assert.deepEqual(c.runtime.entrypoint, ['/usr/bin/app', '--name', 'hello world', '$x']);
  assert.deepEqual(c.runtime.cmd, ['--port', '8080']);
  assert.deepEqual(c.runtime.ports, ['53/udp', '8080/tcp', '9090/tcp']);
  assert.deepEqual(Object.entries(c.runtime.env), [['A', 'true'], ['B', '1']]);
  assert.deepEqual(Object.keys(c.runtime.labels), ['a', 'z']);
  assert.equal(c.runtime.user, '65532');
  assert.equal(c.runtime.workdir, '/srv');
});

test('artifacts: roots, clean paths, default destination, octal modes', () => {
  const c = norm({ name: 'a', artifacts: ['/usr/bin/app', 'usr/lib/./libfoo.so', { from: 'src:conf//app.conf', to: '/etc/app.conf', mode: '0640' }, { from: 'usr/bin/x', mode: 755 }] });
  assert.deepEqual(c.artifacts, [
    { from: 'usr/bin/app', fromRoot: 'out', to: '/usr/bin/app' },
    { from: 'usr/lib/libfoo.so', fromRoot: 'out', to: '/usr/lib/libfoo.so' },
    { from: 'conf/app.conf', fromRoot: 'src', to: '/etc/app.conf', mode: 0o640 },
    { from: 'usr/bin/x', fromRoot: 'out', to: '/usr/bin/x', mode: 0o755 },
  ]);
});

test('paths resolve against the config folder; build lists; debian sources formats', () => {
  const c = norm({
    name: 'a', source: '../src', build: { steps: 'make', test: ['make check'] },
    debian: { keyring: 'k.gpg', suite: 'bookworm', sources: ['deb http://127.0.0.1/debian bookworm main'] },
  });
  assert.equal(c.source, '/home/u/src');
  assert.deepEqual(c.build, { steps: ['make'], test: ['make check'] });
  assert.equal(c.debian.keyring, '/home/u/proj/k.gpg');
  assert.equal(c.debian.sources?.format, 'one-line');
  assert.equal(norm({ name: 'a', debian: { sources: 'Types: deb\nURIs: http://127.0.0.1/debian\nSuites: bookworm\nComponents: main\n' } }).debian.sources?.format, 'deb822');
});

test('parseSize: SI and IEC units, bytes, rejects nonsense', () => {
  assert.equal(parseSize('50MB'), 50e6);
  assert.equal(parseSize('50 mb'), 50e6);
  assert.equal(parseSize('1.5 GiB'), 1.5 * 2 ** 30);
  assert.equal(parseSize('100KiB'), 102400);
  assert.equal(parseSize('2kB'), 2000);
  assert.equal(parseSize('123'), 123);
  assert.equal(parseSize(4096), 4096);
  assert.equal(parseSize('12 parsecs'), undefined);
  assert.equal(parseSize('1.5.5MB'), undefined);
  assert.equal(parseSize(-1), undefined);
});

test('splitCommand: quotes and escapes; shell syntax is refused', () => {
  assert.deepEqual(splitCommand(`a 'b c' "d \\"e\\"" f\\ g`), { argv: ['a', 'b c', 'd "e"', 'f g'] });
  assert.deepEqual(splitCommand('  x   y '), { argv: ['x', 'y'] });
  assert.deepEqual(splitCommand('--color=#fff a~b'), { argv: ['--color=#fff', 'a~b'] });
  for (const bad of ['a | b', 'a > f', 'a; b', 'echo $HOME', 'a && b', 'ls *.c', '~/bin/x', "'open", '"x $y"', 'a `b`']) {
    assert.ok('error' in splitCommand(bad), bad);
  }
});

// Where a build's steps run: native, cross-compiled on the host's builder, or emulated, and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize } from '../config/normalize.js';
import { WrittenConfigSchema } from '../config/schema.js';
import { languagePack } from '../lang/index.js';
import { chooseExecution, describeExecution, stepsLockName } from './execution.js';

const config = (language: string) => normalize(WrittenConfigSchema.parse({ name: 'app', base_language: language }), { file: '/p/airlock.yaml', architecture: 'amd64' });
const choose = (language: string, target: string, host = 'amd64', commands: string[] = []) =>
  chooseExecution(config(language), languagePack(config(language).language), commands, target, host);

test('the host\'s own architecture (and i386 on amd64) builds natively', () => {
  assert.equal(choose('c', 'amd64').mode, 'native');
  assert.equal(choose('go', 'amd64').mode, 'native');
  assert.equal(choose('c', 'i386').mode, 'native');
  assert.deepEqual(choose('go', 'amd64').env, {});
});

test('Go cross-compiles with GOARCH (GOARM for 32-bit ARM) and cgo off', () => {
  const arm64 = choose('go', 'arm64');
  assert.equal(arm64.mode, 'cross');
  assert.deepEqual(arm64.env, { GOARCH: 'arm64', CGO_ENABLED: '0' });
  assert.deepEqual(arm64.builderPackages, []);
  assert.deepEqual(choose('go', 'armhf').env, { GOARCH: 'arm', GOARM: '7', CGO_ENABLED: '0' });
  assert.deepEqual(choose('go', 'amd64', 'arm64').env, { GOARCH: 'amd64', CGO_ENABLED: '0' });
  assert.match(describeExecution(arm64), /on the amd64 builder.*GOARCH=arm64/);
});

test('Go with cgo turned on by a step is emulated, and the log says which step', () => {
  const e = choose('go', 'arm64', 'amd64', ['CGO_ENABLED=1 go build -o "$AIRLOCK_OUT/usr/bin/app" .']);
  assert.equal(e.mode, 'emulated');
  assert.match(e.why, /cgo.*CGO_ENABLED=1 go build/);
  assert.match(describeExecution(e), /emulated under qemu-user.*cgo/);
  assert.equal(choose('go', 'arm64', 'amd64', ['CGO_ENABLED=0 go build .']).mode, 'cross');
});

test('C and C++ cross-compile with Debian\'s cross compilers of the asked version, named in CC/CXX and the GNU type', () => {
  const cfg = normalize(WrittenConfigSchema.parse({ name: 'app', base_language: 'cpp', version: 'gcc-12' }), { file: '/p/airlock.yaml', architecture: 'amd64' });
  const e = chooseExecution(cfg, languagePack('cpp'), [], 'arm64', 'amd64');
  assert.equal(e.mode, 'cross');
  assert.deepEqual(e.builderPackages, ['binutils-aarch64-linux-gnu', 'g++-12-aarch64-linux-gnu', 'gcc-12-aarch64-linux-gnu', 'libc6-dev-arm64-cross']);
  assert.equal(e.env.CC, 'aarch64-linux-gnu-gcc-12');
  assert.equal(e.env.CXX, 'aarch64-linux-gnu-g++-12');
  assert.equal(e.env.DEB_HOST_GNU_TYPE, 'aarch64-linux-gnu');
  assert.match(e.why, /C\+\+ cross-compiles on the amd64 builder with .*g\+\+-12-aarch64-linux-gnu/);
  const c = choose('c', 'amd64', 'arm64');
  assert.deepEqual(c.builderPackages, ['binutils-x86-64-linux-gnu', 'gcc-x86-64-linux-gnu', 'libc6-dev-amd64-cross']);
  assert.equal(c.env.CC, 'x86_64-linux-gnu-gcc');
  assert.equal(c.env.CXX, undefined);
});

test('C with dev packages, and any language with build.cross: false, is emulated, saying why', () => {
  const withDev = normalize(WrittenConfigSchema.parse({ name: 'app', base_language: 'c', dev_packages: ['libssl-dev'] }), { file: '/p/airlock.yaml', architecture: 'amd64' });
  const e = chooseExecution(withDev, languagePack('c'), [], 'arm64', 'amd64');
  assert.equal(e.mode, 'emulated');
  assert.match(e.why, /libssl-dev.*multiarch/);
  const off = normalize(WrittenConfigSchema.parse({ name: 'app', base_language: 'go', build: { cross: false } }), { file: '/p/airlock.yaml', architecture: 'amd64' });
  assert.match(chooseExecution(off, languagePack('go'), [], 'arm64', 'amd64').why, /build\.cross is false/);
  assert.equal(chooseExecution(off, languagePack('go'), [], 'amd64', 'amd64').mode, 'native');
});

test('the other languages are emulated for a foreign architecture, each saying why', () => {
  for (const l of ['rust', 'python', 'node', 'java']) {
    const e = choose(l, 'arm64');
    assert.equal(e.mode, 'emulated', l);
    assert.ok(e.why.length > 20, `${l}: ${e.why}`);
  }
  assert.match(choose('rust', 'arm64').why, /multiarch/);
});

test('a cross build\'s steps lock is the host\'s own when it needs nothing more, else its own', () => {
  assert.equal(stepsLockName(choose('go', 'arm64')), 'amd64');
  assert.equal(stepsLockName(choose('c', 'arm64')), 'amd64-to-arm64');
});

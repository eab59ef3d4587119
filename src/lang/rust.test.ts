import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cargoHasDependencies, RUSTFLAGS, rustPack } from './rust.js';
import { languagePack } from './index.js';

const src = (toml: string, dirs: string[] = [], files: string[] = ['Cargo.toml']) => ({
  topFiles: new Set(files), topDirs: new Set(dirs), topText: new Map([['Cargo.toml', toml]]),
});

test('cargo fetch only when Cargo.toml has dependencies that are not vendored', () => {
  assert.equal(cargoHasDependencies('[package]\nname = "a"\n\n[dependencies]\n'), false);
  assert.equal(cargoHasDependencies('[package]\nname = "a"\n[dependencies]\nserde = "1"\n'), true);
  assert.equal(cargoHasDependencies('[dev-dependencies]\nproptest = "1"\n'), true);
  assert.equal(cargoHasDependencies('[dependencies.serde]\nversion = "1"\n'), true);
  assert.deepEqual(rustPack.defaultSteps(src('[dependencies]\n')).fetch, []);
  assert.deepEqual(rustPack.defaultSteps(src('[dependencies]\nserde = "1"\n')).fetch, ['cargo fetch']);
  assert.deepEqual(rustPack.defaultSteps(src('[dependencies]\nserde = "1"\n', ['.cargo', 'vendor'])).fetch, [], 'vendored crates build offline');
});

test('offline release build (locked when Cargo.lock exists), binaries installed into $AIRLOCK_OUT/usr/bin, cargo test', () => {
  const s = rustPack.defaultSteps(src('[dependencies]\n', [], ['Cargo.toml', 'Cargo.lock']));
  assert.ok(s.steps.includes('cargo build --release --offline --locked'));
  assert.match(s.steps.at(-1)!, /target\/release .* "\$AIRLOCK_OUT\/usr\/bin\/"/);
  assert.deepEqual(s.test, ['cargo test --release --offline --locked']);
});

test('hardening flags, CARGO_HOME under a step cache, version check against the suite\'s rustc', () => {
  const env = rustPack.buildEnv('1.80');
  assert.equal(env.RUSTFLAGS, RUSTFLAGS);
  assert.match(RUSTFLAGS, /-z,relro,-z,now/);
  assert.equal(env.CARGO_HOME, '/airlock/cache/cargo');
  assert.equal(env.CARGO_CACHE_RUSTC_INFO, '0', 'no randomly ordered target/.rustc_info.json in the test image');
  assert.equal(env.AIRLOCK_RUST_VERSION, '1.80');
  assert.equal(rustPack.parseVersion('rust-1.63.0'), '1.63');
  assert.match(rustPack.defaultSteps(src('')).steps[0]!, /is not available in this Debian suite; available: \$\(rustc --version\)/);
  assert.deepEqual(rustPack.stepCaches!(), [{ name: 'cargo', path: '/airlock/cache/cargo' }]);
  assert.equal(languagePack('rust'), rustPack);
});

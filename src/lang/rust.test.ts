import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cargoBinaries, cargoHasDependencies, cargoMembers, RUSTFLAGS, rustPack } from './rust.js';
import { AirlockError } from '../errors.js';
import { sourceTree } from '../../test/helpers/source-tree.js';
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

const WS = '[workspace]\nmembers = [\n  "crates/*", # every crate\n  "apps/cli",\n]\nexclude = ["crates/old"]\n';
const pkg = (name: string, rest = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\n${rest}`;

test('a workspace: members from globs (less exclude), every binary of every member, built and tested with --workspace', () => {
  const src = sourceTree({
    'Cargo.toml': WS, 'Cargo.lock': '',
    'crates/common/Cargo.toml': pkg('common'), 'crates/common/src/lib.rs': '',
    'crates/tools/Cargo.toml': pkg('tools', '[dependencies]\ncommon.path = "../common"\n[[bin]]\nname = "shout"\npath = "src/shout.rs"\n'),
    'crates/tools/src/shout.rs': '', 'crates/tools/src/bin/whisper.rs': '', 'crates/tools/src/bin/multi/main.rs': '',
    'crates/old/Cargo.toml': pkg('old'), 'crates/old/src/main.rs': '',
    'apps/cli/Cargo.toml': pkg('cli', '[dependencies]\ncommon = { path = "../../crates/common" }\n'), 'apps/cli/src/main.rs': '',
  });
  assert.deepEqual(cargoMembers(src), ['crates/common', 'crates/old', 'crates/tools', 'apps/cli'].filter((m) => m !== 'crates/old'));
  assert.deepEqual(rustPack.sourceProbe!({ ...src, dirs: new Map(), texts: new Map() }), { dirs: ['crates', 'apps/cli/src', 'apps/cli/src/bin'], files: ['apps/cli/Cargo.toml'] });
  assert.deepEqual(cargoBinaries(src), ['shout', 'multi', 'whisper', 'cli']);
  const s = rustPack.defaultSteps(src);
  assert.deepEqual(s.fetch, [], 'path dependencies between members need no download');
  assert.ok(s.steps.includes('cargo build --release --offline --workspace --locked'));
  assert.deepEqual(s.test, ['cargo test --release --offline --workspace --locked']);
  assert.throws(() => rustPack.defaultEntrypoint!(src), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.deepEqual([e.exitCode, e.code, e.location], [2, 'entrypoint-ambiguous', 'runtime.entrypoint']);
    assert.equal(e.message, 'several cargo binaries (shout, multi, whisper, cli) and no default-run: prod gets all of them, which one does it run?');
    assert.equal(e.hint, 'set runtime.entrypoint to one of /usr/bin/shout, /usr/bin/multi, /usr/bin/whisper, /usr/bin/cli');
    return true;
  });
});

test('a member with registry dependencies gets cargo fetch; workspace.dependencies count too', () => {
  const member = (deps: string) => sourceTree({ 'Cargo.toml': '[workspace]\nmembers = ["app"]\n', 'app/Cargo.toml': pkg('app', deps), 'app/src/main.rs': '' });
  assert.deepEqual(rustPack.defaultSteps(member('[dependencies]\nserde = { version = "1" }\n')).fetch, ['cargo fetch']);
  assert.deepEqual(rustPack.defaultSteps(member('[dependencies]\nserde.workspace = true\n')).fetch, []);
  assert.equal(cargoHasDependencies('[workspace.dependencies]\nserde = "1"\n'), true);
  assert.equal(cargoHasDependencies('[dependencies.common]\npath = "../common"\n'), false);
  assert.equal(cargoHasDependencies('[target.\'cfg(unix)\'.dependencies]\nlibc = "0.2"\n'), true);
});

test('one package: [[bin]] targets and inferred ones; default-run or a single binary decides, else a usage error', () => {
  const one = (toml: string, files: string[]) => sourceTree(Object.fromEntries([['Cargo.toml', toml], ...files.map((f) => [f, ''])]));
  const single = one(pkg('app'), ['src/main.rs', 'src/lib.rs']);
  assert.deepEqual(cargoBinaries(single), ['app']);
  assert.equal(rustPack.defaultEntrypoint!(single), undefined, 'the handoff takes the only binary');
  assert.deepEqual(rustPack.defaultSteps(single).steps[1], 'cargo build --release --offline', 'no --workspace without [workspace]');
  const renamed = one(`${pkg('app')}[[bin]]\nname = "server"\npath = "src/main.rs"\n`, ['src/main.rs']);
  assert.deepEqual(cargoBinaries(renamed), ['server'], 'a [[bin]] with the inferred path replaces it');
  const several = one(pkg('app', 'default-run = "app"\n'), ['src/main.rs', 'src/bin/admin.rs']);
  assert.deepEqual(cargoBinaries(several), ['app', 'admin']);
  assert.deepEqual(rustPack.defaultEntrypoint!(several), ['/usr/bin/app']);
  assert.deepEqual(cargoBinaries(one(pkg('app', 'autobins = false\n'), ['src/main.rs', 'src/bin/admin.rs'])), []);
  assert.throws(() => rustPack.defaultEntrypoint!(one(pkg('app'), ['src/main.rs', 'src/bin/admin.rs'])), /several cargo binaries \(app, admin\)/);
});

// Rust: Debian's rustc and cargo; an offline release build with hardening link flags, binaries into $AIRLOCK_OUT/usr/bin.
import type { LanguagePack, SourceInfo } from './pack.js';

/** Where CARGO_HOME lives inside every step (registry index and crate downloads, kept under <airlock cache>/lang/cargo). */
export const CARGO_HOME = '/airlock/cache/cargo';

/** True when Cargo.toml declares dependencies of any kind (a non-empty [dependencies]-like table). */
export function cargoHasDependencies(cargoToml: string | undefined): boolean {
  if (!cargoToml) return false;
  const tables = cargoToml.split(/^\s*\[/m).slice(1);
  return tables.some((t) => /^(?:target\.[^\]]+\.)?(?:dev-|build-)?dependencies(?:\.[^\]]+)?\]/.test(t)
    && (/^(?:target\.[^\]]+\.)?(?:dev-|build-)?dependencies\.[^\]]+\]/.test(t) || /\n\s*[A-Za-z0-9_-]+\s*=/.test(t)));
}

/** True when crates are vendored (a vendor/ folder or a .cargo/ config with source replacement). */
export function cargoVendored(src: SourceInfo): boolean {
  return src.topDirs.has('vendor') || src.topDirs.has('.cargo');
}

/** Hardening for rustc's link step (PIE is rustc's default on Linux): full RELRO (relro + now), no executable stack, overflow checks. */
export const RUSTFLAGS = '-C link-arg=-Wl,-z,relro,-z,now -C link-arg=-Wl,-z,noexecstack -C overflow-checks=on -C debuginfo=0 --remap-path-prefix=/src=.';

// Debian has one rustc per suite: a requested version is checked against it in the first step.
const VERSION_CHECK = 'if [ -n "${AIRLOCK_RUST_VERSION:-}" ] && ! rustc --version | grep -q "^rustc ${AIRLOCK_RUST_VERSION}[. ]"; then echo "rustc ${AIRLOCK_RUST_VERSION} is not available in this Debian suite; available: $(rustc --version)" >&2; exit 2; fi';
const INSTALL = 'mkdir -p "$AIRLOCK_OUT/usr/bin" && find target/release -maxdepth 1 -type f -perm -u+x -exec install -m 0755 {} "$AIRLOCK_OUT/usr/bin/" \\;';

/** The Rust pack. */
export const rustPack: LanguagePack = {
  id: 'rust',
  versionPackage: /^rustc-(1\.\d+)$/,
  toolchainName: 'rustc',
  parseVersion(raw) {
    if (raw === undefined || raw === '') return undefined;
    const m = /^(?:rust(?:c)?-?)?v?(1\.\d+)(?:\.\d+)?$/i.exec(String(raw).trim());
    return m ? m[1] : String(raw);
  },
  builderPackages() {
    return ['cargo', 'dpkg-dev', 'gcc', 'libc6-dev', 'rustc'];
  },
  runtimePackages() {
    return [];
  },
  buildEnv(version): Record<string, string> {
    // CARGO_CACHE_RUSTC_INFO=0: target/.rustc_info.json is a hash map in random order, which made the test image differ.
    return { CARGO_HOME, CARGO_INCREMENTAL: '0', CARGO_CACHE_RUSTC_INFO: '0', CARGO_TERM_COLOR: 'never', RUSTFLAGS, ...(version ? { AIRLOCK_RUST_VERSION: version } : {}) };
  },
  defaultSteps(src) {
    const toml = src.topText.get('Cargo.toml');
    const locked = src.topFiles.has('Cargo.lock') ? ' --locked' : '';
    return {
      fetch: cargoHasDependencies(toml) && !cargoVendored(src) ? [`cargo fetch${locked}`] : [],
      steps: [VERSION_CHECK, `cargo build --release --offline${locked}`, INSTALL],
      test: [`cargo test --release --offline${locked}`],
    };
  },
  stepCaches() {
    return [{ name: 'cargo', path: CARGO_HOME }];
  },
};

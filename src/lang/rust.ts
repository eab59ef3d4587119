// Rust: Debian's rustc and cargo; an offline release build with hardening link flags, binaries into $AIRLOCK_OUT/usr/bin.
import { entrypointAmbiguous, type LanguagePack, type SourceInfo } from './pack.js';
import { tomlBool, tomlString, tomlStrings, tomlTable, tomlTables } from './toml.js';

/** Where CARGO_HOME lives inside every step (registry index and crate downloads, kept under <airlock cache>/lang/cargo). */
export const CARGO_HOME = '/airlock/cache/cargo';

/** Dependency tables: [dependencies], [dev-dependencies], [build-dependencies], per target, and the workspace's. */
const DEPS_TABLE = /^(?:workspace\.|target\..+\.)?(?:dev-|build-)?dependencies$/;

/** A dependency entry resolved inside the tree: a `path` one, or one the workspace's own table declares. */
const LOCAL_DEP = /^\s*"?[\w-]+"?\s*(?:\.\s*(?:path|workspace)\s*=|=\s*\{[^}]*\b(?:path|workspace)\s*=)/;

/**
 * True when Cargo.toml declares dependencies that come from a registry or git (an entry of a [dependencies]-like
 * table, or a [dependencies.name] table, that is neither a `path` nor a `workspace = true` one).
 */
export function cargoHasDependencies(cargoToml: string | undefined): boolean {
  return tomlTables(cargoToml ?? '').some((t) => {
    const entries = t.body.split('\n').filter((l) => /^\s*"?[\w-]+"?\s*[.=]/.test(l));
    if (DEPS_TABLE.test(t.name)) return entries.some((l) => !LOCAL_DEP.test(l));
    const one = /^(.+)\.[^.]+$/.exec(t.name);
    return !!one && DEPS_TABLE.test(one[1]!) && !/^\s*(?:path|workspace)\s*=/m.test(t.body);
  });
}

/** True when the root manifest or a workspace member's declares registry or git dependencies. */
function treeHasDependencies(src: SourceInfo): boolean {
  const members = cargoMembers(src).map((m) => src.texts?.get(`${m}/Cargo.toml`));
  return [src.topText.get('Cargo.toml'), ...members].some(cargoHasDependencies);
}

/** True when crates are vendored (a vendor/ folder or a .cargo/ config with source replacement). */
export function cargoVendored(src: SourceInfo): boolean {
  return src.topDirs.has('vendor') || src.topDirs.has('.cargo');
}

/** A cargo workspace's member folders: `members` entries, a trailing `/*` read from the listing, less `exclude`. */
export function cargoMembers(src: SourceInfo): string[] {
  const ws = tomlTable(src.topText.get('Cargo.toml'), 'workspace')?.body;
  const exclude = new Set(tomlStrings(ws, 'exclude') ?? []);
  const members = (tomlStrings(ws, 'members') ?? []).map((m) => m.replace(/\/+$/, '')).flatMap((m) => {
    if (!m.endsWith('/*')) return [m];
    const parent = m.slice(0, -2);
    return (src.dirs?.get(parent) ?? []).filter((n) => n.endsWith('/')).map((n) => `${parent}/${n.slice(0, -1)}`);
  });
  return [...new Set(members)].filter((m) => !exclude.has(m));
}

/** The packages of the tree: the root's (when Cargo.toml has [package]) and each workspace member's, by folder. */
function cargoPackages(src: SourceInfo): { dir: string; toml: string }[] {
  const root = src.topText.get('Cargo.toml');
  const own = root !== undefined && tomlTable(root, 'package') ? [{ dir: '', toml: root }] : [];
  const members = cargoMembers(src).flatMap((dir) => {
    const toml = src.texts?.get(`${dir}/Cargo.toml`);
    return toml === undefined ? [] : [{ dir, toml }];
  });
  return [...own, ...members];
}

/**
 * The binaries of one package, as cargo names them: its [[bin]] targets, then (unless autobins = false) src/main.rs
 * named like the package and each src/bin/<name>.rs or src/bin/<name>/main.rs, when no [[bin]] has that name or path.
 */
export function cargoPackageBins(toml: string, srcEntries: readonly string[], binEntries: readonly string[]): string[] {
  const pkg = tomlTable(toml, 'package')?.body;
  const declared = tomlTables(toml).filter((t) => t.array && t.name === 'bin')
    .map((t) => ({ name: tomlString(t.body, 'name'), path: tomlString(t.body, 'path') }));
  const names = declared.map((d) => d.name).filter((n): n is string => !!n);
  if (tomlBool(pkg, 'autobins') === false) return names;
  const inferred: { name: string; path: string }[] = [];
  const pkgName = tomlString(pkg, 'name');
  if (pkgName && srcEntries.includes('main.rs')) inferred.push({ name: pkgName, path: 'src/main.rs' });
  for (const e of binEntries) {
    if (e.endsWith('.rs')) inferred.push({ name: e.slice(0, -3), path: `src/bin/${e}` });
    else if (e.endsWith('/')) inferred.push({ name: e.slice(0, -1), path: `src/bin/${e}main.rs` });
  }
  const taken = (i: { name: string; path: string }) => declared.some((d) => d.name === i.name || d.path === i.path);
  return [...names, ...inferred.filter((i) => !taken(i)).map((i) => i.name)];
}

/** Every binary the build installs into /usr/bin: those of the root package and of each workspace member. */
export function cargoBinaries(src: SourceInfo): string[] {
  const at = (dir: string, sub: string) => src.dirs?.get(dir ? `${dir}/${sub}` : sub) ?? [];
  const bins = cargoPackages(src).flatMap((p) => cargoPackageBins(p.toml, at(p.dir, 'src'), at(p.dir, 'src/bin')));
  return [...new Set(bins)];
}

/** True when Cargo.toml declares a workspace (then every member is built and tested). */
const isWorkspace = (src: SourceInfo) => tomlTable(src.topText.get('Cargo.toml'), 'workspace') !== undefined;

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
  sourceProbe(src) {
    // The root package's src/ and src/bin/; the workspace's member folders (a `dir/*` member lists dir), their
    // Cargo.toml, src/ and src/bin/.
    const root = src.topText.get('Cargo.toml');
    const own = root !== undefined && tomlTable(root, 'package') ? ['src', 'src/bin'] : [];
    const ws = tomlTable(root, 'workspace')?.body;
    const globs = (tomlStrings(ws, 'members') ?? []).filter((m) => m.endsWith('/*')).map((m) => m.slice(0, -2));
    const members = cargoMembers(src);
    return {
      dirs: [...own, ...globs, ...members.flatMap((m) => [`${m}/src`, `${m}/src/bin`])],
      files: members.map((m) => `${m}/Cargo.toml`),
    };
  },
  defaultSteps(src) {
    const locked = src.topFiles.has('Cargo.lock') ? ' --locked' : '';
    // A workspace builds and tests every member, not only the root package or the default members.
    const scope = isWorkspace(src) ? ' --workspace' : '';
    return {
      fetch: treeHasDependencies(src) && !cargoVendored(src) ? [`cargo fetch${locked}`] : [],
      steps: [VERSION_CHECK, `cargo build --release --offline${scope}${locked}`, INSTALL],
      test: [`cargo test --release --offline${scope}${locked}`],
    };
  },
  defaultEntrypoint(src) {
    // One binary: the handoff finds it. Several: the root package's default-run, else the config must say.
    const bins = cargoBinaries(src);
    if (bins.length < 2) return undefined;
    const defaultRun = tomlString(tomlTable(src.topText.get('Cargo.toml'), 'package')?.body, 'default-run');
    if (defaultRun && bins.includes(defaultRun)) return [`/usr/bin/${defaultRun}`];
    const paths = bins.map((b) => `/usr/bin/${b}`);
    throw entrypointAmbiguous(`several cargo binaries (${bins.join(', ')}) and no default-run`, paths);
  },
  stepCaches() {
    return [{ name: 'cargo', path: CARGO_HOME }];
  },
};

// Python: Debian's python3; dependencies are Debian python3-* packages or, with a requirements.txt, installed by pip in
// the fetch step into Debian's /usr/local site directory (handed off with hash-based bytecode); the app goes to /app.
import { langAsset } from './assets.js';
import type { HostFacts } from './host-facts.js';
import { entrypointAmbiguous, PROXY_ENV, type DefaultArtifact, type LanguagePack, type SourceInfo } from './pack.js';
import { debianPythonPackage, requirementName } from './python-debian.js';
import { tomlString, tomlStringEntries, tomlStrings, tomlTable } from './toml.js';

/** Paths of the project tree that never reach prod (tests, VCS, virtualenvs, caches, version pins, airlock's files). */
export const PYTHON_EXCLUDE: RegExp[] = [
  /^tests?(\/|$)/, /(^|\/)\.git(\/|$)/, /^\.?venv(\/|$)/, /^env(\/|$)/, /(^|\/)\.(tox|nox|mypy_cache|pytest_cache|ruff_cache)(\/|$)/,
  /(^|\/)(build|dist)\/|(^|\/)[^/]+\.egg-info(\/|$)/, /(^|\/)conftest\.py$/, /(^|\/)test_[^/]*\.py$/, /(^|\/)[^/]*_test\.py$/,
  /^airlock\.(ya?ml|lock\.json)$/, /^\.(airlock|docker|git)ignore$/, /^\.python-version$/, /^airlock-out(\/|$)/,
];

/** True when the project's configuration mentions pytest (then tests run with pytest, else unittest). */
export function usesPytest(src: SourceInfo): boolean {
  return /\bpytest\b/.test(src.topText.get('pyproject.toml') ?? '') || src.topFiles.has('pytest.ini') || src.topFiles.has('conftest.py');
}

/** The package to run with -m: pyproject's project name when a folder has it, else undefined. */
export function pythonPackage(src: SourceInfo): string | undefined {
  const name = /^\s*name\s*=\s*"([^"]+)"/m.exec(src.topText.get('pyproject.toml') ?? '')?.[1]?.replace(/-/g, '_');
  if (name && src.topDirs.has(name)) return name;
  if (name && src.topDirs.has('src')) return name;
  return undefined;
}

/** True when the dependencies come through pip: the project has a requirements.txt. */
export function usesPip(src: SourceInfo): boolean {
  return src.topFiles.has('requirements.txt');
}

/** The console scripts of pyproject.toml's [project.scripts]: name and "module:function", in order. */
export function projectScripts(src: SourceInfo): [string, string][] {
  return tomlStringEntries(tomlTable(src.topText.get('pyproject.toml'), 'project.scripts')?.body);
}

/**
 * True when the project is installed with pip from its pyproject.toml (console scripts in /usr/local/bin, the package
 * in the /usr/local site directory) instead of copied to /app: it declares console scripts, or keeps a src/ layout.
 */
export function installsProject(src: SourceInfo): boolean {
  const project = tomlTable(src.topText.get('pyproject.toml'), 'project');
  return project !== undefined && (projectScripts(src).length > 0 || src.topDirs.has('src'));
}

/** The Debian packages of build backends whose names do not follow python3-<name>. */
const BACKEND_PACKAGES: Record<string, string[]> = {
  setuptools: ['python3-setuptools', 'python3-wheel'], // setuptools before 70.1 needs wheel to build one
  'flit-core': ['flit'], // Debian 12 ships flit_core in flit
  flit: ['flit'],
};

/**
 * The Debian packages of pyproject's [build-system] requires (pip builds with --no-build-isolation from them):
 * python3-<name> (python-debian.ts), except the backends above; no [build-system] means setuptools, as for pip.
 */
export function buildBackendPackages(src: SourceInfo): string[] {
  const buildSystem = tomlTable(src.topText.get('pyproject.toml'), 'build-system')?.body;
  const requires = tomlStrings(buildSystem, 'requires') ?? ['setuptools'];
  const names = requires.map(requirementName).filter((n): n is string => !!n);
  const backend = (n: string) => BACKEND_PACKAGES[n.toLowerCase().replace(/[-_.]+/g, '-')];
  const packages = names.flatMap((n) => backend(n) ?? [debianPythonPackage(n)]);
  return [...new Set(packages)].sort();
}

/** The project's name in pyproject.toml's [project] table. */
const projectName = (src: SourceInfo) =>
  tomlString(tomlTable(src.topText.get('pyproject.toml'), 'project')?.body, 'name');

/** Folders of vendored distributions (wheels, sdists) that pip takes with --no-index --find-links. */
export function vendorDirs(src: SourceInfo): string[] {
  return ['wheels', 'vendor'].filter((d) => src.topDirs.has(d));
}

/** Where pip's dependencies live when running: Debian's /usr/local site directory, on the path of every python3. */
export const DEPS_SITE = `$(python3 -c 'import sysconfig; print(sysconfig.get_path("purelib", "posix_local"))')`;

// In the fetch step: the requirements into $AIRLOCK_OUT/usr/local (scripts in bin/), nothing compiled yet, sdists built
// with the builder's setuptools and wheel (an isolated build would fetch them), builder packages ignored (all in prod).
function pipInstall(src: SourceInfo): string {
  const links = vendorDirs(src).map((d) => ` --find-links ${d}`).join('');
  return `python3 -m pip install --no-compile --no-build-isolation --ignore-installed --no-warn-script-location --root "$AIRLOCK_OUT"${links ? ` --no-index${links}` : ''} -r requirements.txt`;
}

/** pip and what builds pure-Python sdists offline (setuptools, wheel), and the CA bundle for an index. */
const PIP_TOOLS = ['python3-pip', 'python3-setuptools', 'python3-wheel', 'ca-certificates'];

// In a build step: the project from its pyproject.toml, with the builder's backend, offline, into /usr/local like the
// requirements (whose site directory is on the path so that pip sees them installed); dependencies must be there.
function projectInstall(src: SourceInfo): string {
  const deps = usesPip(src) ? `PYTHONPATH="$AIRLOCK_OUT${DEPS_SITE}" ` : '';
  const flags = '--no-build-isolation --no-index --no-compile --no-warn-script-location';
  return `${deps}python3 -m pip install ${flags} --root "$AIRLOCK_OUT" .`;
}

// The dependencies' bytecode, hash-based, with the paths they run from (/usr/local/…).
const DEPS_BYTECODE = `if [ -d "$AIRLOCK_OUT/usr/local/lib" ]; then python3 -m compileall -q -f --invalidation-mode checked-hash -s "$AIRLOCK_OUT" -p / "$AIRLOCK_OUT/usr/local/lib"; echo "dependency bytecode: $(find "$AIRLOCK_OUT/usr/local/lib" -name '*.pyc' | wc -l) modules"; fi`;

// Bytecode for the tree as it will run at /app: hash-based (no mtimes), paths rewritten from /src to /app, forced.
const compile = (skip: string[]) => `python3 -m compileall -q -f --invalidation-mode checked-hash -s /src -p /app -x '/src/(${['tests?', '\\.git', '\\.?venv', 'env', ...skip].join('|')})/' /src`;

// The standard library's bytecode, which Debian's py3compile writes at install time (no maintainer scripts run for
// prod): a Python program run from a here-document (assets/lang/python/stdlib-bytecode.py says what it does).
const STDLIB_BYTECODE = `python3 - <<'AIRLOCK_EOF'\n${langAsset('python', 'stdlib-bytecode.py')}\nAIRLOCK_EOF`;

/** Host environment that reaches pip in fetch steps: index, links, trust, certificates, constraints, timeouts, proxies. */
export const PIP_ENV = [
  'PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_NO_INDEX', 'PIP_FIND_LINKS', 'PIP_TRUSTED_HOST', 'PIP_CERT', 'PIP_CLIENT_CERT', 'PIP_CONSTRAINT',
  'PIP_PROXY', 'PIP_TIMEOUT', 'PIP_DEFAULT_TIMEOUT', 'PIP_RETRIES', 'REQUESTS_CA_BUNDLE', ...PROXY_ENV,
];

/** The Python pack. */
export const pythonPack: LanguagePack = {
  id: 'python',
  versionPackage: /^python(3\.\d+)$/,
  toolchainName: 'python',
  parseVersion(raw) {
    if (raw === undefined || raw === '' || /^(python)?-?3$/i.test(String(raw).trim())) return undefined;
    const m = /^(?:python|py|cpython)?-?(3\.\d+)(?:\.\d+)?$/i.exec(String(raw).trim());
    return m ? m[1] : String(raw);
  },
  builderPackages(version, src) {
    const pkgs = [version ? `python${version}` : 'python3', 'python3', 'dpkg-dev'];
    if (usesPytest(src)) pkgs.push('python3-pytest');
    // pip and what builds pure-Python sdists without a network: builder only, never in prod. One set for requirements
    // and for the project itself (then with its build backend), so that both share a builder rootfs.
    if (usesPip(src) || installsProject(src)) pkgs.push(...PIP_TOOLS);
    if (installsProject(src)) pkgs.push(...buildBackendPackages(src));
    return [...new Set(pkgs)].sort();
  },
  runtimePackages(version) {
    // The interpreter and its standard library; python3-minimal provides /usr/bin/python3. No pip, no ensurepip. The
    // CA bundle (ca-certificates), which ssl's default context reads: no package of the interpreter depends on it.
    const python = version
      ? [`python${version}-minimal`, `libpython${version}-stdlib`, 'python3-minimal']
      : ['python3-minimal', 'libpython3-stdlib'];
    return [...python, 'ca-certificates'];
  },
  buildEnv(): Record<string, string> {
    return { PYTHONHASHSEED: '0', PIP_NO_INPUT: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_ROOT_USER_ACTION: 'ignore', PIP_CACHE_DIR: PIP_CACHE };
  },
  defaultSteps(src) {
    const tests = src.topDirs.has('tests') ? 'tests' : src.topDirs.has('test') ? 'test' : '.';
    const pip = usesPip(src);
    const installed = installsProject(src);
    // Tests in the sandbox find the dependencies (and an installed project) under $AIRLOCK_OUT; in the test image
    // (no $AIRLOCK_OUT) where they run.
    const deps = pip || installed ? `PYTHONPATH="\${AIRLOCK_OUT:-}${DEPS_SITE}" ` : '';
    const app = installed ? [projectInstall(src)] : [compile(pip ? vendorDirs(src) : [])];
    return {
      fetch: pip ? [pipInstall(src)] : [],
      steps: [...app, STDLIB_BYTECODE, ...(pip || installed ? [DEPS_BYTECODE] : [])],
      test: [deps + (usesPytest(src) ? 'python3 -m pytest -q -p no:cacheprovider' : `python3 -m unittest discover -s ${tests} -v`)],
    };
  },
  defaultArtifacts(src): DefaultArtifact[] {
    // An installed project: what pip installed (and the stdlib bytecode); its source never reaches prod.
    if (installsProject(src)) return [{ from: '.', fromRoot: 'out', to: '/' }];
    // The app tree (without the vendored distributions pip installed), and whatever the steps installed (the stdlib
    // bytecode, pip's dependencies with theirs, console scripts…).
    const vendored = usesPip(src) ? vendorDirs(src).map((d) => new RegExp(`^${d}(\\/|$)`)) : [];
    return [{ from: '.', fromRoot: 'src', to: '/app', exclude: [...PYTHON_EXCLUDE, ...vendored] }, { from: '.', fromRoot: 'out', to: '/' }];
  },
  defaultEntrypoint(src) {
    if (installsProject(src)) return projectEntrypoint(src);
    for (const f of ['main.py', 'app.py']) if (src.topFiles.has(f)) return ['/usr/bin/python3', `/app/${f}`];
    const pkg = pythonPackage(src);
    return pkg ? ['/usr/bin/python3', '-m', pkg] : undefined;
  },
  defaultWorkdir(src) {
    return installsProject(src) ? undefined : '/app';
  },
  prodEnv(): Record<string, string> {
    return { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', PYTHONPATH: '/app' };
  },
  stepCaches() {
    return [{ name: 'pip', path: PIP_CACHE }];
  },
  hostProbe: {
    env: [...PIP_ENV, 'PIP_CONFIG_FILE', 'HOME', 'XDG_CONFIG_HOME'],
    configFiles: (env) => [...GLOBAL_PIP_CONFIGS, ...userPipConfigs(env)],
    // What the configuration files and the environment name; which exist decides what is bound.
    paths: (env, text) => [...Object.values(text).flatMap(configPaths), ...PIP_ENV.flatMap((k) => hostPaths(env[k] ?? ''))],
  },
  networkFiles(host) {
    // The host's pip configuration and the files and folders it names (CA bundle, certificates, constraints,
    // find-links wheelhouses) at the same paths, visible to fetch steps only.
    const conf = pipConfigFiles(host);
    const named = [...conf.flatMap((f) => configPaths(host.configText[f] ?? '')), ...PIP_ENV.flatMap((k) => hostPaths(host.env[k] ?? ''))];
    return [...new Set([...conf, ...named.filter((f) => host.existing.includes(f)), ...(host.caBundle ? [host.caBundle] : [])])];
  },
  networkEnv(host) {
    // Index, trust and proxy settings from the host's environment; its user config file named (HOME differs inside).
    const out: Record<string, string> = {};
    for (const k of PIP_ENV) if (host.env[k]) out[k] = host.env[k]!;
    const user = hostPipConfig(host);
    if (user) out.PIP_CONFIG_FILE = user;
    return out;
  },
};

/**
 * An installed project's entrypoint: its console script (the one named like the project when there are several),
 * else `python3 -m` its package; several scripts and none named like the project is a usage error.
 */
function projectEntrypoint(src: SourceInfo): string[] | undefined {
  const scripts = projectScripts(src).map(([name]) => name);
  const name = projectName(src);
  if (scripts.length === 0) return name ? ['/usr/bin/python3', '-m', name.replace(/[-.]/g, '_')] : undefined;
  const chosen = scripts.length === 1 ? scripts[0] : scripts.find((s) => s === name);
  if (chosen) return [`/usr/local/bin/${chosen}`];
  const found = `several console scripts in pyproject.toml's [project.scripts] (${scripts.join(', ')})`;
  throw entrypointAmbiguous(`${found} and none is named like the project (${name ?? 'no name'})`,
    scripts.map((s) => `/usr/local/bin/${s}`));
}

/** Where pip's cache lives inside every step (kept under <airlock cache>/lang/pip). */
export const PIP_CACHE = '/airlock/cache/pip';

/** pip's global files, read at the same path inside. */
const GLOBAL_PIP_CONFIGS = ['/etc/xdg/pip/pip.conf', '/etc/pip.conf'];

/** The user files pip may read, in its order: $PIP_CONFIG_FILE alone when set, else the XDG file, then ~/.pip's. */
function userPipConfigs(env: Record<string, string>): string[] {
  if (env.PIP_CONFIG_FILE) return [env.PIP_CONFIG_FILE];
  const xdg = env.XDG_CONFIG_HOME ?? (env.HOME ? `${env.HOME}/.config` : undefined);
  return [xdg && `${xdg}/pip/pip.conf`, env.HOME && `${env.HOME}/.pip/pip.conf`].filter((f): f is string => !!f);
}

/** The host's own pip config file: $PIP_CONFIG_FILE, else the first user file pip reads that exists. */
function hostPipConfig(host: HostFacts): string | undefined {
  return host.env.PIP_CONFIG_FILE || userPipConfigs(host.env).find((f) => host.existing.includes(f));
}

/** pip's global files and the host's own config file, those that exist. */
function pipConfigFiles(host: HostFacts): string[] {
  return [...GLOBAL_PIP_CONFIGS, hostPipConfig(host)].filter((f): f is string => !!f && host.existing.includes(f));
}

/** Absolute paths (also file: URLs) in a pip setting's value: certificates, constraint files, find-links folders. */
export function hostPaths(value: string): string[] {
  return value.split(/\s+/).map((t) => t.replace(/^file:\/\//, '')).filter((t) => /^\/[^/]/.test(t));
}

/** The paths a pip config file's text names in its values, continuation lines included. */
export function configPaths(text: string): string[] {
  // `key = value` lines and indented continuation lines (multi-line find-links); not sections nor comments.
  return text.split('\n').filter((l) => !/^\s*([#;[]|$)/.test(l)).flatMap((l) => hostPaths(l.replace(/^[\w-]+\s*[=:]/, '').trim()));
}

// Python: Debian's python3; dependencies are Debian python3-* packages; the app tree goes to /app with bytecode.
import type { DefaultArtifact, LanguagePack, SourceInfo } from './pack.js';

/** Paths of the project tree that never reach prod (tests, VCS, virtualenvs, caches, airlock's own files). */
export const PYTHON_EXCLUDE: RegExp[] = [
  /^tests?(\/|$)/, /(^|\/)\.git(\/|$)/, /^\.?venv(\/|$)/, /^env(\/|$)/, /(^|\/)\.(tox|nox|mypy_cache|pytest_cache|ruff_cache)(\/|$)/,
  /(^|\/)(build|dist)\/|(^|\/)[^/]+\.egg-info(\/|$)/, /(^|\/)conftest\.py$/, /(^|\/)test_[^/]*\.py$/, /(^|\/)[^/]*_test\.py$/,
  /^airlock\.(ya?ml|lock\.json)$/, /^\.(airlock|docker|git)ignore$/, /^airlock-out(\/|$)/,
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

// Bytecode for the tree as it will run at /app: hash-based (no mtimes), paths rewritten from /src to /app, forced.
const COMPILE = `python3 -m compileall -q -f --invalidation-mode checked-hash -s /src -p /app -x '/src/(tests?|\\.git|\\.?venv|env)/' /src`;

// The standard library's bytecode, which Debian's py3compile writes at install time (no maintainer scripts run for
// prod): every .py of libpythonX.Y-minimal/-stdlib compiled hash-based into $AIRLOCK_OUT, handed off beside the sources.
const STDLIB_BYTECODE = `python3 - <<'AIRLOCK_EOF'
import glob, importlib.util, os, py_compile, sys
out, v = os.environ["AIRLOCK_OUT"], "%d.%d" % sys.version_info[:2]
n = 0
for lst in sorted(glob.glob("/var/lib/dpkg/info/libpython%s-minimal*.list" % v) + glob.glob("/var/lib/dpkg/info/libpython%s-stdlib*.list" % v)):
    for path in sorted(open(lst).read().split()):
        if path.endswith(".py") and os.path.isfile(path):
            cfile = out + importlib.util.cache_from_source(path)
            py_compile.compile(path, cfile=cfile, dfile=path, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
            n += 1
print("stdlib bytecode: %d modules" % n)
AIRLOCK_EOF`;

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
    return [...new Set(pkgs)].sort();
  },
  runtimePackages(version) {
    // The interpreter and its standard library; python3-minimal provides /usr/bin/python3. No pip, no ensurepip.
    return version ? [`python${version}-minimal`, `libpython${version}-stdlib`, 'python3-minimal'] : ['python3-minimal', 'libpython3-stdlib'];
  },
  buildEnv(): Record<string, string> {
    return { PYTHONHASHSEED: '0', PIP_NO_INPUT: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  },
  defaultSteps(src) {
    const tests = src.topDirs.has('tests') ? 'tests' : src.topDirs.has('test') ? 'test' : '.';
    return {
      fetch: [],
      steps: [COMPILE, STDLIB_BYTECODE],
      test: [usesPytest(src) ? 'python3 -m pytest -q -p no:cacheprovider' : `python3 -m unittest discover -s ${tests} -v`],
    };
  },
  defaultArtifacts(): DefaultArtifact[] {
    // The app tree, and whatever the steps installed (the stdlib bytecode, console scripts…).
    return [{ from: '.', fromRoot: 'src', to: '/app', exclude: PYTHON_EXCLUDE }, { from: '.', fromRoot: 'out', to: '/' }];
  },
  defaultEntrypoint(src) {
    for (const f of ['main.py', 'app.py']) if (src.topFiles.has(f)) return ['/usr/bin/python3', `/app/${f}`];
    const pkg = pythonPackage(src);
    return pkg ? ['/usr/bin/python3', '-m', pkg] : undefined;
  },
  defaultWorkdir() {
    return '/app';
  },
  prodEnv(): Record<string, string> {
    return { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', PYTHONPATH: '/app' };
  },
};

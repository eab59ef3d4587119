import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildBackendPackages, configPaths, DEPS_SITE, hostPaths, installsProject, PIP_CACHE, projectScripts, PYTHON_EXCLUDE, pythonPack, usesPip, usesPytest,
} from './python.js';
import { checkVersion, languagePack } from './index.js';
import { readHostFacts, type HostFacts } from './host-facts.js';
import { AirlockError } from '../errors.js';

const src = (files: string[], dirs: string[] = [], text: Record<string, string> = {}) => ({
  topFiles: new Set(files), topDirs: new Set(dirs), topText: new Map(Object.entries(text)),
});
const excluded = (p: string) => PYTHON_EXCLUDE.some((re) => re.test(p));

test('versions: 3.11, python3.11 and 3.11.2 map to python3.11; 3.12 fails listing 3.11', () => {
  for (const raw of ['3.11', 'python3.11', '3.11.2', 'py3.11']) assert.equal(pythonPack.parseVersion(raw), '3.11', raw);
  assert.equal(pythonPack.parseVersion('3'), undefined);
  assert.ok(pythonPack.builderPackages('3.12', src(['main.py'])).includes('python3.12'), 'the versioned interpreter is requested');
  assert.throws(() => checkVersion(pythonPack, '3.12', ['python3.11', 'python3.11-minimal', 'python3', 'python3-yaml'], 'Debian 12'), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.equal(e.message, 'python 3.12 is not available in Debian 12; available: 3.11');
    return true;
  });
  assert.equal(languagePack('python'), pythonPack);
});

test('prod runtime: the interpreter, the stdlib and the CA bundle, never pip, ensurepip, setuptools or -dev', () => {
  const rt = pythonPack.runtimePackages('3.11');
  assert.deepEqual(rt, ['python3.11-minimal', 'libpython3.11-stdlib', 'python3-minimal', 'ca-certificates']);
  for (const p of rt) assert.doesNotMatch(p, /pip|setuptools|-dev|venv/);
  assert.deepEqual(pythonPack.runtimePackages(undefined), ['python3-minimal', 'libpython3-stdlib', 'ca-certificates']);
});

test('bytecode: hash-based, forced, paths rewritten to /app, tests skipped; tests run with unittest or pytest', () => {
  const s = pythonPack.defaultSteps(src(['main.py'], ['tests']));
  assert.equal(s.fetch.length, 0);
  assert.match(s.steps[0]!, /python3 -m compileall -q -f --invalidation-mode checked-hash -s \/src -p \/app -x/);
  assert.deepEqual(s.test, ['python3 -m unittest discover -s tests -v']);
  const py = src(['pyproject.toml'], ['app'], { 'pyproject.toml': '[project]\nname = "app"\n[tool.pytest.ini_options]\n' });
  assert.ok(usesPytest(py));
  assert.match(pythonPack.defaultSteps(py).test[0]!, /python3 -m pytest/);
  assert.ok(pythonPack.builderPackages(undefined, py).includes('python3-pytest'));
});

test('artifacts: the tree to /app without tests, VCS, venvs or airlock files; __pycache__ of the app kept', () => {
  const [a] = pythonPack.defaultArtifacts!(src(['main.py']))!;
  assert.deepEqual({ from: a!.from, fromRoot: a!.fromRoot, to: a!.to }, { from: '.', fromRoot: 'src', to: '/app' });
  assert.deepEqual(pythonPack.defaultArtifacts!(src(['main.py']))![1], { from: '.', fromRoot: 'out', to: '/' }, 'installed files (stdlib bytecode) too');
  assert.match(pythonPack.defaultSteps(src(['main.py'])).steps[1]!, /CHECKED_HASH/);
  for (const p of ['tests/test_x.py', 'test', '.git/HEAD', '.venv/bin/python', 'venv/lib', 'airlock.yaml', 'airlock.lock.json', 'pkg/test_util.py', 'conftest.py', 'x.egg-info/PKG-INFO']) assert.ok(excluded(p), p);
  for (const p of ['main.py', '__pycache__/greeting.cpython-311.pyc', 'pkg/__init__.py', 'settings.yaml', 'pkg/testing.py']) assert.ok(!excluded(p), p);
});

test('entrypoint: main.py, app.py, else -m of the pyproject package; workdir /app; prod env', () => {
  assert.deepEqual(pythonPack.defaultEntrypoint!(src(['main.py', 'app.py'])), ['/usr/bin/python3', '/app/main.py']);
  assert.deepEqual(pythonPack.defaultEntrypoint!(src(['app.py'])), ['/usr/bin/python3', '/app/app.py']);
  assert.deepEqual(pythonPack.defaultEntrypoint!(src(['pyproject.toml'], ['my_svc'], { 'pyproject.toml': '[project]\nname = "my-svc"\n' })), ['/usr/bin/python3', '-m', 'my_svc']);
  assert.equal(pythonPack.defaultEntrypoint!(src(['setup.cfg'])), undefined);
  assert.equal(pythonPack.defaultWorkdir!(src([])), '/app');
  assert.equal(pythonPack.prodEnv!('3.11').PYTHONDONTWRITEBYTECODE, '1');
});

test('pip: a requirements.txt adds pip, setuptools and wheel to the builder only; no requirements, no pip', () => {
  const pip = src(['main.py', 'requirements.txt'], ['tests']);
  assert.ok(usesPip(pip) && !usesPip(src(['main.py'])));
  const builder = pythonPack.builderPackages('3.11', pip);
  for (const p of ['python3-pip', 'python3-setuptools', 'python3-wheel', 'ca-certificates']) assert.ok(builder.includes(p), p);
  assert.deepEqual(pythonPack.builderPackages('3.11', src(['main.py'])), ['dpkg-dev', 'python3', 'python3.11']);
  const runtime = ['python3.11-minimal', 'libpython3.11-stdlib', 'python3-minimal', 'ca-certificates'];
  assert.deepEqual(pythonPack.runtimePackages('3.11'), runtime, 'prod asks for no pip either way');
  assert.deepEqual(pythonPack.defaultSteps(src(['main.py'])).test, ['python3 -m unittest discover -s . -v'], 'without requirements the steps stay as they were');
});

test('pip steps: install into $AIRLOCK_OUT/usr/local in the fetch step, offline from wheels/ and vendor/; bytecode; tests see the deps', () => {
  const online = pythonPack.defaultSteps(src(['main.py', 'requirements.txt'], ['tests']));
  assert.deepEqual(online.fetch, ['python3 -m pip install --no-compile --no-build-isolation --ignore-installed --no-warn-script-location --root "$AIRLOCK_OUT" -r requirements.txt']);
  const offline = pythonPack.defaultSteps(src(['main.py', 'requirements.txt'], ['tests', 'wheels', 'vendor']));
  assert.match(offline.fetch[0]!, / --no-index --find-links wheels --find-links vendor -r requirements\.txt$/);
  assert.match(offline.steps[0]!, /-x '\/src\/\(tests\?\|\\\.git\|\\\.\?venv\|env\|wheels\|vendor\)\/' \/src$/, 'the vendored sources are not the app');
  assert.match(offline.steps[1]!, /stdlib bytecode/);
  assert.equal(offline.steps[2], `if [ -d "$AIRLOCK_OUT/usr/local/lib" ]; then python3 -m compileall -q -f --invalidation-mode checked-hash -s "$AIRLOCK_OUT" -p / "$AIRLOCK_OUT/usr/local/lib"; echo "dependency bytecode: $(find "$AIRLOCK_OUT/usr/local/lib" -name '*.pyc' | wc -l) modules"; fi`);
  assert.deepEqual(offline.test, [`PYTHONPATH="\${AIRLOCK_OUT:-}${DEPS_SITE}" python3 -m unittest discover -s tests -v`]);
  const pytest = src(['requirements.txt', 'conftest.py']);
  assert.match(pythonPack.defaultSteps(pytest).test[0]!, /^PYTHONPATH="\$\{AIRLOCK_OUT:-\}\$\(python3 -c .*\)" python3 -m pytest/);
});

test('pip artifacts: vendored folders stay out of /app only when pip installs from them; entrypoint unchanged', () => {
  const pip = src(['main.py', 'requirements.txt'], ['vendor', 'wheels']);
  const [app, out] = pythonPack.defaultArtifacts!(pip)!;
  for (const p of ['vendor/tinylib/pyproject.toml', 'wheels/x-1.0-py3-none-any.whl', 'tests/test_x.py']) assert.ok(app!.exclude!.some((re) => re.test(p)), p);
  for (const p of ['vendored.py', 'pkg/vendor/x.py', 'main.py', 'requirements.txt']) assert.ok(!app!.exclude!.some((re) => re.test(p)), p);
  assert.deepEqual(out, { from: '.', fromRoot: 'out', to: '/' }, 'what pip installed under $AIRLOCK_OUT goes to /');
  const [plain] = pythonPack.defaultArtifacts!(src(['main.py'], ['vendor']))!;
  assert.ok(!plain!.exclude!.some((re) => re.test('vendor/x.py')), 'without requirements.txt vendor/ is part of the app');
  assert.deepEqual(pythonPack.defaultEntrypoint!(pip), ['/usr/bin/python3', '/app/main.py']);
  assert.equal(pythonPack.prodEnv!('3.11').PYTHONPATH, '/app', 'the deps are on sys.path through Debian\'s site directory');
});

test('pip env: no network settings in build steps; the host index, trust and proxy settings reach fetch steps', () => {
  const build = pythonPack.buildEnv('3.11');
  assert.deepEqual(Object.keys(build).filter((k) => /INDEX|TRUSTED|CERT|PROXY|CONFIG_FILE/i.test(k)), []);
  assert.equal(build.PIP_CACHE_DIR, PIP_CACHE);
  assert.deepEqual(pythonPack.stepCaches!(), [{ name: 'pip', path: PIP_CACHE }]);
  const home = mkdtempSync(join(tmpdir(), 'airlock-pip-home-'));
  try {
    const env = {
      HOME: home, PIP_INDEX_URL: 'https://mirror.example/simple/', PIP_EXTRA_INDEX_URL: 'https://extra.example/simple/', PIP_TRUSTED_HOST: 'mirror.example',
      PIP_CERT: '/etc/corp.pem', HTTPS_PROXY: 'http://proxy:3128', PIP_TARGET: '/elsewhere', PIP_REQUIRE_VIRTUALENV: '1', PIP_NO_INDEX: '',
    };
    assert.deepEqual(pythonPack.networkEnv!(readHostFacts(env, pythonPack)), {
      PIP_INDEX_URL: 'https://mirror.example/simple/', PIP_EXTRA_INDEX_URL: 'https://extra.example/simple/', PIP_TRUSTED_HOST: 'mirror.example',
      PIP_CERT: '/etc/corp.pem', HTTPS_PROXY: 'http://proxy:3128',
    }, 'only network settings; nothing that moves or blocks the install; no config file when the host has none');
    mkdirSync(join(home, '.config/pip'), { recursive: true });
    writeFileSync(join(home, '.config/pip/pip.conf'), '[global]\nindex-url = https://mirror.example/simple/\n');
    assert.equal(pythonPack.networkEnv!(readHostFacts({ HOME: home }, pythonPack)).PIP_CONFIG_FILE, join(home, '.config/pip/pip.conf'), 'named: HOME differs inside');
    assert.equal(pythonPack.networkEnv!(readHostFacts({ HOME: home, PIP_CONFIG_FILE: '/dev/null' }, pythonPack)).PIP_CONFIG_FILE, '/dev/null', "the host's own choice wins");
  } finally { rmSync(home, { recursive: true, force: true }); }
});

test('pip networkFiles: the config file and the existing files and folders it and the environment name, nothing else', () => {
  const home = mkdtempSync(join(tmpdir(), 'airlock-pip-home-'));
  try {
    const conf = join(home, '.config/pip/pip.conf');
    mkdirSync(join(home, '.config/pip'), { recursive: true });
    mkdirSync(join(home, 'wheels'));
    for (const f of ['ca.pem', 'client.pem', 'constraints.txt']) writeFileSync(join(home, f), '');
    writeFileSync(conf, `[global]\ncert = ${home}/ca.pem\nconstraint=${home}/constraints.txt\nfind-links =\n    ${home}/wheels\n    file://${home}/missing\n    https://files.example/\nindex-url = https://mirror.example/simple/\n[install]\nclient-cert: ${home}/client.pem\n`);
    assert.deepEqual(configPaths(readFileSync(conf, 'utf8')).sort(), [`${home}/ca.pem`, `${home}/client.pem`, `${home}/constraints.txt`, `${home}/missing`, `${home}/wheels`].sort());
    assert.deepEqual(hostPaths(`file://${home}/a /b https://x/y //host/share relative`), [`${home}/a`, '/b']);
    const files = pythonPack.networkFiles!(readHostFacts({ HOME: home }, pythonPack));
    for (const f of [conf, `${home}/ca.pem`, `${home}/client.pem`, `${home}/constraints.txt`, `${home}/wheels`]) assert.ok(files.includes(f), f);
    assert.ok(!files.includes(`${home}/missing`), 'only what exists is bound');
    assert.ok(files.every((f) => existsSync(f)));
    const viaEnv = pythonPack.networkFiles!(readHostFacts({ HOME: join(home, 'nowhere'), PIP_CONFIG_FILE: conf, PIP_FIND_LINKS: `${home}/wheels https://x/`, PIP_CERT: `${home}/ca.pem` }, pythonPack));
    for (const f of [conf, `${home}/wheels`, `${home}/ca.pem`]) assert.ok(viaEnv.includes(f), f);
    assert.deepEqual(pythonPack.networkFiles!(readHostFacts({ HOME: join(home, 'nowhere') }, pythonPack)).filter((f) => f.startsWith(home)), [], 'no config: nothing of the home');
  } finally { rmSync(home, { recursive: true, force: true }); }
});

test('pip network settings are a pure function of the host facts: the chosen config file, what it names and exists', () => {
  const conf = '/home/u/.config/pip/pip.conf';
  const host: HostFacts = {
    env: { HOME: '/home/u', PIP_CERT: '/corp.pem', PIP_NO_INDEX: '' },
    existing: [conf, '/home/u/.pip/pip.conf', '/wheels', '/corp.pem', '/etc/pip.conf'],
    configText: { [conf]: '[global]\nfind-links = /wheels /gone\n', '/home/u/.pip/pip.conf': 'cert = /ignored.pem\n', '/etc/pip.conf': '' },
    caBundle: '/etc/ssl/certs/ca-certificates.crt',
  };
  assert.deepEqual(pythonPack.networkFiles!(host), ['/etc/pip.conf', conf, '/wheels', '/corp.pem', '/etc/ssl/certs/ca-certificates.crt'],
    'the global file and the first user file pip reads, the paths they and the environment name that exist, the CA bundle');
  assert.deepEqual(pythonPack.networkEnv!(host), { PIP_CERT: '/corp.pem', PIP_CONFIG_FILE: conf });
  assert.deepEqual(pythonPack.networkFiles!({ env: {}, existing: [], configText: {} }), [], 'a bare host: nothing');
});

const PYPROJECT = `[build-system]
requires = ["setuptools>=61", 'wheel']
build-backend = "setuptools.build_meta"

[project]
name = "greeter"
version = "1.0"
dependencies = ["PyYAML>=6"]  # from Debian's python3-yaml

[project.scripts]
greeter = "greeter.cli:main"
"greeter-stats" = 'greeter.stats:main'

[tool.setuptools.packages.find]
where = ["src"]
`;
const project = (pyproject: string, dirs = ['src', 'tests'], files: string[] = []) =>
  src(['pyproject.toml', ...files], dirs, { 'pyproject.toml': pyproject });

test('a pyproject application with console scripts is installed with pip and its Debian build backend', () => {
  const p = project(PYPROJECT);
  assert.ok(installsProject(p));
  assert.deepEqual(projectScripts(p), [['greeter', 'greeter.cli:main'], ['greeter-stats', 'greeter.stats:main']]);
  assert.deepEqual(pythonPack.builderPackages('3.11', p), [
    'ca-certificates', 'dpkg-dev', 'python3', 'python3-pip', 'python3-setuptools', 'python3-wheel', 'python3.11',
  ], 'the same builder set as a requirements.txt project: one rootfs for both');
  const s = pythonPack.defaultSteps(p);
  assert.deepEqual(s.fetch, [], 'nothing to download: dependencies are Debian packages');
  assert.equal(s.steps[0], 'python3 -m pip install --no-build-isolation --no-index --no-compile --no-warn-script-location --root "$AIRLOCK_OUT" .');
  assert.match(s.steps[1]!, /stdlib bytecode/);
  assert.match(s.steps[2]!, /compileall .* -p \/ "\$AIRLOCK_OUT\/usr\/local\/lib"/, 'the installed package gets hash-based bytecode');
  assert.deepEqual(s.test, [`PYTHONPATH="\${AIRLOCK_OUT:-}${DEPS_SITE}" python3 -m unittest discover -s tests -v`], 'tests import the installed package');
  assert.deepEqual(pythonPack.defaultArtifacts!(p), [{ from: '.', fromRoot: 'out', to: '/' }], 'no source tree at /app');
  assert.equal(pythonPack.defaultWorkdir!(p), undefined);
  assert.deepEqual(pythonPack.defaultEntrypoint!(p), ['/usr/local/bin/greeter'], 'the script named like the project');
  const withReqs = pythonPack.defaultSteps(project(PYPROJECT, ['src'], ['requirements.txt']));
  assert.match(withReqs.steps[0]!, /^PYTHONPATH="\$AIRLOCK_OUT\$\(python3 -c .*\)" python3 -m pip install --no-build-isolation --no-index/,
    'pip sees the requirements the fetch step installed');
});

test('build backends map to Debian packages; none declared means setuptools', () => {
  const backend = (requires: string) => buildBackendPackages(project(`[build-system]\nrequires = ${requires}\n[project]\nname = "a"\n`));
  assert.deepEqual(backend('["flit_core >=3.2,<4"]'), ['flit'], 'Debian 12 ships flit_core in flit');
  assert.deepEqual(backend('["hatchling"]'), ['python3-hatchling']);
  assert.deepEqual(backend('["poetry-core>=1.0.0"]'), ['python3-poetry-core']);
  assert.deepEqual(backend('["setuptools", "setuptools_scm[toml]>=6.2"]'), ['python3-setuptools', 'python3-setuptools-scm', 'python3-wheel']);
  assert.deepEqual(buildBackendPackages(project('[project]\nname = "a"\n')), ['python3-setuptools', 'python3-wheel']);
  const flit = project('[build-system]\nrequires = ["flit_core"]\n[project]\nname = "a"\n[project.scripts]\na = "a:main"\n', []);
  assert.ok(pythonPack.builderPackages(undefined, flit).includes('flit'));
});

test('installed projects: one script, -m without scripts, and several scripts none named like the project', () => {
  const one = project('[project]\nname = "svc"\n[project.scripts]\nserve = "svc.main:run"\n', []);
  assert.deepEqual(pythonPack.defaultEntrypoint!(one), ['/usr/local/bin/serve']);
  assert.deepEqual(pythonPack.defaultEntrypoint!(project('[project]\nname = "my-svc"\n')), ['/usr/bin/python3', '-m', 'my_svc'], 'a src/ layout without scripts');
  assert.ok(!installsProject(project('[project]\nname = "app"\n', ['app'])), 'a flat layout without scripts runs from /app as before');
  const two = project('[project]\nname = "toolbox"\n[project.scripts]\nfmt = "toolbox:fmt"\nlint = "toolbox:lint"\n');
  assert.throws(() => pythonPack.defaultEntrypoint!(two), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.deepEqual([e.exitCode, e.code, e.location], [2, 'entrypoint-ambiguous', 'runtime.entrypoint']);
    assert.equal(e.message, "several console scripts in pyproject.toml's [project.scripts] (fmt, lint) and none is named like the project (toolbox): prod gets all of them, which one does it run?");
    assert.equal(e.hint, 'set runtime.entrypoint to one of /usr/local/bin/fmt, /usr/local/bin/lint');
    return true;
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PYTHON_EXCLUDE, pythonPack, usesPytest } from './python.js';
import { checkVersion, languagePack } from './index.js';
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

test('prod runtime: the minimal interpreter and the stdlib, never pip, ensurepip, setuptools or -dev', () => {
  const rt = pythonPack.runtimePackages('3.11');
  assert.deepEqual(rt, ['python3.11-minimal', 'libpython3.11-stdlib', 'python3-minimal']);
  for (const p of rt) assert.doesNotMatch(p, /pip|setuptools|-dev|venv/);
  assert.deepEqual(pythonPack.runtimePackages(undefined), ['python3-minimal', 'libpython3-stdlib']);
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

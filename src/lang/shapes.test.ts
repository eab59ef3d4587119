// Golden test of what the Go, Rust and Python packs decide for the common project shapes (several binaries, a cargo
// workspace, a pyproject application): builder packages, steps, artifacts, entrypoint, or the usage error of a shape
// they cannot decide. UPDATE_GOLDEN=1 rewrites the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { sourceTree } from '../../test/helpers/source-tree.js';
import { languagePack } from './index.js';

const MAIN = 'package main\n\nfunc main() {}\n';
const CRATE = (name: string, rest = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${rest}`;
const PYPROJECT = (backend: string, scripts: string) =>
  `[build-system]\nrequires = ["${backend}"]\n\n[project]\nname = "greeter"\nversion = "1.0"\n\n[project.scripts]\n${scripts}`;

/** Source trees by case name ("<pack> <shape>"): relative path → text. */
const CASES: Record<string, [string, Record<string, string>]> = {
  'go cmd layout, one named like the module': ['go', {
    'go.mod': 'module example.com/multi\n\ngo 1.19\n', 'multi.go': 'package multi\n', 'cmd/multi/main.go': MAIN, 'cmd/worker/main.go': MAIN,
  }],
  'go root main and a cmd': ['go', { 'go.mod': 'module github.com/x/tool/v2\n', 'main.go': MAIN, 'cmd/migrate/main.go': MAIN }],
  'go cmd layout, none named like the module': ['go', { 'go.mod': 'module example.com/tools\n', 'cmd/api/main.go': MAIN, 'cmd/worker/main.go': MAIN }],
  'rust workspace, one binary': ['rust', {
    'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n', 'Cargo.lock': '',
    'crates/core/Cargo.toml': CRATE('core'), 'crates/core/src/lib.rs': '',
    'crates/cli/Cargo.toml': CRATE('cli', '[dependencies]\ncore = { path = "../core" }\n'), 'crates/cli/src/main.rs': '',
  }],
  'rust workspace, several binaries': ['rust', {
    'Cargo.toml': '[workspace]\nmembers = ["api", "tools"]\n',
    'api/Cargo.toml': CRATE('api'), 'api/src/main.rs': '', 'tools/Cargo.toml': CRATE('tools'), 'tools/src/bin/migrate.rs': '',
  }],
  'rust package with default-run': ['rust', {
    'Cargo.toml': CRATE('server', 'default-run = "server"\n\n[[bin]]\nname = "admin"\npath = "src/admin.rs"\n'),
    'src/main.rs': '', 'src/admin.rs': '',
  }],
  'python pyproject setuptools scripts': ['python', {
    'pyproject.toml': PYPROJECT('setuptools>=61', 'greeter = "greeter.cli:main"\ngreeter-stats = "greeter.stats:main"\n'),
    'src/greeter/__init__.py': '', 'tests/test_greeter.py': '',
  }],
  'python pyproject hatchling pytest': ['python', {
    'pyproject.toml': `${PYPROJECT('hatchling', 'serve = "svc.main:run"\n')}\n[tool.pytest.ini_options]\n`, 'src/svc/main.py': '',
  }],
  'python pyproject flit several scripts': ['python', {
    'pyproject.toml': PYPROJECT('flit_core >=3.2,<4', 'fmt = "greeter:fmt"\nlint = "greeter:lint"\n'), 'greeter/__init__.py': '',
  }],
};

// A shape the pack refuses reads as its error (code, message, location, hint).
function read<T>(get: () => T): T | string {
  try { return get(); } catch (e) {
    if (e instanceof AirlockError) return `${e.code}: ${e.message} [${e.location}] hint: ${e.hint}`;
    throw e;
  }
}

test('the packs\' decisions for multi-binary, workspace and pyproject shapes are the golden ones', () => {
  const out: Record<string, unknown> = {};
  for (const [name, [lang, files]] of Object.entries(CASES)) {
    const pack = languagePack(lang);
    const src = sourceTree(files);
    const steps = pack.defaultSteps(src);
    out[name] = {
      builder: pack.builderPackages(undefined, src),
      ...steps,
      artifacts: read(() => pack.defaultArtifacts?.(src)?.map((a) => ({ ...a, exclude: a.exclude?.length }))),
      entrypoint: read(() => pack.defaultEntrypoint?.(src) ?? null),
    };
  }
  const text = `${JSON.stringify(out, null, 2)}\n`;
  const file = join(import.meta.dirname, 'golden', 'shapes.json');
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), `golden ${file} differs (UPDATE_GOLDEN=1 to accept the new output)`);
});

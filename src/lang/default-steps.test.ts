// Golden test of every pack's default steps: the commands are cache-key and image-digest inputs, so a change to them
// (moving a script into an asset file, say) must be byte-identical or deliberate. UPDATE_GOLDEN=1 rewrites the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { languagePack } from './index.js';
import type { SourceInfo } from './pack.js';

const src = (files: Record<string, string>, dirs: string[] = []): SourceInfo => ({
  topFiles: new Set(Object.keys(files)), topDirs: new Set(dirs), topText: new Map(Object.entries(files).filter(([, t]) => t !== '')),
});
const pom = (body: string) => `<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>a</artifactId><version>1</version>${body}</project>`;
const dep = (g: string, a: string, scope = '') => `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId>${scope && `<scope>${scope}</scope>`}</dependency>`;

/** Representative source trees of each pack, by case name ("<pack> <what>"). */
const CASES: Record<string, [string, SourceInfo]> = {
  'c autotools': ['c', src({ configure: '', 'main.c': '' })],
  'c autoreconf': ['c', src({ 'configure.ac': '', 'Makefile.am': '' })],
  'c cmake': ['c', src({ 'CMakeLists.txt': '' })],
  'c make': ['c', src({ Makefile: '' })],
  'c none': ['c', src({ 'main.c': '' })],
  'cpp cmake': ['cpp', src({ 'CMakeLists.txt': '' }, ['src'])],
  'go plain': ['go', src({ 'go.mod': 'module example.com/go-api\n\ngo 1.19\n', 'main.go': '' })],
  'go requirements': ['go', src({ 'go.mod': 'module github.com/x/tool/v2\nrequire golang.org/x/text v0.3.0\n', 'main.go': '' })],
  'go vendored': ['go', src({ 'go.mod': 'module a\nrequire golang.org/x/text v0.3.0\n' }, ['vendor'])],
  'rust plain': ['rust', src({ 'Cargo.toml': '[package]\nname = "a"\n' })],
  'rust locked dependencies': ['rust', src({ 'Cargo.toml': '[package]\nname = "a"\n[dependencies]\nserde = "1"\n', 'Cargo.lock': '' })],
  'rust vendored': ['rust', src({ 'Cargo.toml': '[dependencies]\nserde = "1"\n' }, ['vendor'])],
  'python unittest': ['python', src({ 'main.py': '' }, ['tests'])],
  'python pytest': ['python', src({ 'pyproject.toml': '[project]\nname = "app"\n[tool.pytest.ini_options]\n' }, ['app', 'test'])],
  'python pip': ['python', src({ 'main.py': '', 'requirements.txt': '' }, ['tests'])],
  'python pip vendored pytest': ['python', src({ 'app.py': '', 'requirements.txt': '', 'conftest.py': '' }, ['wheels', 'vendor'])],
  'node locked': ['node', src({ 'package.json': JSON.stringify({ scripts: { test: 'node --test' } }), 'package-lock.json': '' })],
  'node unlocked build': ['node', src({ 'package.json': JSON.stringify({ scripts: { build: 'tsc' } }) })],
  'node typescript': ['node', src({
    'package.json': JSON.stringify({ main: 'dist/index.js', scripts: { build: 'tsc -p .' } }), 'package-lock.json': '',
    'tsconfig.json': '{ "compilerOptions": { "outDir": "dist" } }',
  })],
  'node workspaces': ['node', { ...src({
    'package.json': JSON.stringify({ workspaces: ['packages/*'] }), 'package-lock.json': '',
    'packages/api/package.json': JSON.stringify({ name: 'api', dependencies: { lib: '*' }, scripts: { build: 'tsc', test: 'node --test' } }),
    'packages/api/tsconfig.json': '{ "extends": "./tsconfig.build", /* outDir is relative to its own file */ }',
    'packages/api/tsconfig.build.json': '{ "extends": "../../tsconfig.base.json", "compilerOptions": { "outDir": "./dist" } }',
    'tsconfig.base.json': '{ "compilerOptions": { "strict": true } }',
    'packages/lib/package.json': JSON.stringify({ name: 'lib', main: 'index.js' }),
  }), app: 'packages/api' }],
  'node workspaces without build.workspace': ['node', src({
    'package.json': JSON.stringify({ workspaces: ['packages/*'] }), 'packages/web/package.json': '{"name": "@x/web"}', 'packages/api/package.json': '{}',
  })],
  'java plain': ['java', src({ 'README.md': '' }, ['src'])],
  'java maven': ['java', src({ 'pom.xml': pom(`<dependencies>${dep('org.junit.jupiter', 'junit-jupiter', 'test')}</dependencies>`) }, ['src'])],
  'java maven runtime dependencies': ['java', src({ 'pom.xml': pom(`<dependencies>${dep('com.google.code.gson', 'gson')}</dependencies>`) }, ['src'])],
  'java maven modules': ['java', src({ 'pom.xml': pom('<packaging>pom</packaging><modules><module>a</module></modules>') })],
  'java gradle': ['java', src({ 'build.gradle': '' }, ['src'])],
};

// A refused default reads as its error (code and message) where the steps would be.
function read(get: () => string[]): string[] | string {
  try { return get(); } catch (e) { if (e instanceof AirlockError) return `${e.code}: ${e.message}`; throw e; }
}

test('each pack\'s default fetch, build and test steps are the golden ones, byte for byte', () => {
  const out: Record<string, unknown> = {};
  for (const [name, [lang, info]] of Object.entries(CASES)) {
    const d = languagePack(lang).defaultSteps(info);
    out[name] = { fetch: read(() => d.fetch), steps: read(() => d.steps), test: read(() => d.test) };
  }
  const text = `${JSON.stringify(out, null, 2)}\n`;
  const file = join(import.meta.dirname, 'golden', 'default-steps.json');
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), `golden ${file} differs (UPDATE_GOLDEN=1 to accept the new output)`);
});

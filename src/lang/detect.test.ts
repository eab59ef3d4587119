import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectProject } from './detect.js';
import type { SourceInfo } from './pack.js';

const src = (files: Record<string, string>, dirs: Record<string, string[]> = {}): SourceInfo => ({
  topFiles: new Set(Object.keys(files)),
  topText: new Map(Object.entries(files)),
  topDirs: new Set(Object.keys(dirs).filter((d) => !d.includes('/'))),
  dirs: new Map(Object.entries(dirs)),
});

test('each marker file names its language, with the version and name its manifest states', () => {
  assert.deepEqual(detectProject(src({ 'go.mod': 'module example.com/x/api\n\ngo 1.21\n' })), {
    language: 'go',
    because: 'go.mod',
    also: [],
    version: { value: '1.21', from: 'go.mod' },
    name: 'api',
  });
  assert.deepEqual(detectProject(src({ 'package.json': '{"name":"@me/web","engines":{"node":">=20"}}' })), {
    language: 'node',
    because: 'package.json',
    also: [],
    version: { value: '20', from: 'package.json engines.node' },
    name: 'web',
  });
  assert.equal(detectProject(src({ 'Cargo.toml': '[package]\nname = "cli"\n' }))?.name, 'cli');
  assert.equal(detectProject(src({ 'requirements.txt': '' }))?.language, 'python');
  assert.equal(detectProject(src({ 'pyproject.toml': '' }))?.language, 'python');
  assert.deepEqual(
    detectProject(
      src({
        'pom.xml':
          '<parent><artifactId>p</artifactId></parent><artifactId>svc</artifactId>'
          + '<maven.compiler.release>21</maven.compiler.release>',
      }),
    ),
    { language: 'java', because: 'pom.xml', also: [], version: { value: '21', from: 'pom.xml' }, name: 'svc' },
  );
  assert.equal(detectProject(src({}, { src: ['main/'], 'src/main': ['java/'] }))?.language, 'java');
  assert.equal(detectProject(src({ 'meson.build': '', 'main.c': '' }))?.language, 'c');
  assert.equal(detectProject(src({ configure: '#!/bin/sh\n' }))?.because, 'configure build');
  assert.equal(detectProject(src({ 'CMakeLists.txt': 'project(x CXX)\n' }))?.language, 'cpp');
  assert.equal(detectProject(src({ 'CMakeLists.txt': 'project(x C CXX)\n' }))?.language, 'c');
  assert.equal(detectProject(src({ Makefile: '' }, { src: ['a.cpp', 'b.hpp'] }))?.language, 'cpp');
  assert.equal(detectProject(src({ 'app.py': '' }))?.language, 'python');
});

test("a version manager's pin file states the version, before the manifest's range", () => {
  const node = src({ 'package.json': '{"engines":{"node":">=18"}}', '.nvmrc': '20\n' });
  assert.deepEqual(detectProject(node)?.version, { value: '20', from: '.nvmrc' });
  const java = src({ 'pom.xml': '<maven.compiler.release>11</maven.compiler.release>', '.java-version': '17' });
  assert.deepEqual(detectProject(java)?.version, { value: '17', from: '.java-version' });
  assert.deepEqual(detectProject(src({ 'main.py': '', '.python-version': '3.11\n' }))?.version, {
    value: '3.11',
    from: '.python-version',
  });
  assert.equal(detectProject(src({ Makefile: '', '.python-version': '3.11' }))?.version, undefined, 'not the language');
});

test('pyproject dependencies become Debian packages, unless pip takes them from requirements.txt', () => {
  const pyproject = '[project]\nname = "svc"\ndependencies = [\n  "PyYAML>=6",\n  "colorama; os_name == \'nt\'",\n]\n';
  assert.deepEqual(detectProject(src({ 'pyproject.toml': pyproject })), {
    language: 'python',
    because: 'pyproject.toml',
    also: [],
    name: 'svc',
    packages: { names: ['python3-yaml'], from: 'pyproject.toml dependencies', leftOut: ["colorama; os_name == 'nt'"] },
  });
  assert.equal(detectProject(src({ 'pyproject.toml': pyproject, 'requirements.txt': '' }))?.packages, undefined);
  assert.equal(detectProject(src({ 'pyproject.toml': '[project]\nname = "svc"\n' }))?.packages, undefined);
});

test('the first rule wins, the others are named; --language overrides; nothing known is undefined', () => {
  const both = src({ 'package.json': '{not json', Makefile: '' });
  assert.deepEqual(detectProject(both), { language: 'node', because: 'package.json', also: ['c'] });
  assert.deepEqual(detectProject(both, 'c'), { language: 'c', because: '--language', also: ['node'] });
  assert.equal(detectProject(src({ 'README.md': '' })), undefined);
});

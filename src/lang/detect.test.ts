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

test('the first rule wins, the others are named; --language overrides; nothing known is undefined', () => {
  const both = src({ 'package.json': '{not json', Makefile: '' });
  assert.deepEqual(detectProject(both), { language: 'node', because: 'package.json', also: ['c'] });
  assert.deepEqual(detectProject(both, 'c'), { language: 'c', because: '--language', also: ['node'] });
  assert.equal(detectProject(src({ 'README.md': '' })), undefined);
});

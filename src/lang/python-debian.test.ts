import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debianPythonPackage, dependencyPackages, requirementName } from './python-debian.js';

test('a distribution is python3-<name> in Debian, but for those named after what they import', () => {
  assert.equal(debianPythonPackage('requests'), 'python3-requests');
  assert.equal(debianPythonPackage('typing_extensions'), 'python3-typing-extensions');
  assert.equal(debianPythonPackage('python-dateutil'), 'python3-dateutil');
  assert.equal(debianPythonPackage('ruamel.yaml'), 'python3-ruamel.yaml', 'Debian keeps the dot');
  assert.equal(debianPythonPackage('PyYAML'), 'python3-yaml');
  assert.equal(debianPythonPackage('Pillow'), 'python3-pil');
  assert.equal(debianPythonPackage('scikit_learn'), 'python3-sklearn');
});

test('requirements: the name before extras, versions and markers; marked ones are left out', () => {
  assert.equal(requirementName('PyYAML>=6 ; python_version > "3"'), 'PyYAML');
  assert.equal(requirementName('requests[socks] ~= 2.28'), 'requests');
  assert.equal(requirementName('>=1'), undefined);
  assert.deepEqual(dependencyPackages(['PyYAML>=6', 'requests[socks]', 'pywin32; sys_platform == "win32"', 'pyyaml']), {
    packages: ['python3-yaml', 'python3-requests'],
    marked: ['pywin32; sys_platform == "win32"'],
  });
  assert.equal(dependencyPackages([]), undefined);
  assert.equal(dependencyPackages(undefined), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError, formatError } from './errors.js';

test('AirlockError carries code, exit code by class, hint and location', () => {
  const e = new AirlockError('packages', 'unknown-package', "package 'nope' not found", { hint: 'check the name', location: 'airlock.yaml:3:5' });
  assert.equal(e.exitCode, 3);
  assert.equal(e.code, 'unknown-package');
  assert.equal(formatError(e), "error[unknown-package]: airlock.yaml:3:5: package 'nope' not found\n  hint: check the name");
});

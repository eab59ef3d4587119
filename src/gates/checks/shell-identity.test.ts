import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { shellFamily } from './shell-identity.js';

it('identifies bash and dash binaries by content and leaves other programs alone', () => {
  assert.equal(shellFamily(readFileSync('/bin/bash')), 'bash');
  assert.equal(shellFamily(readFileSync('/bin/dash')), 'dash');
  for (const p of ['/bin/ls', '/bin/cat', '/usr/bin/perl', '/usr/bin/gcc-12']) assert.equal(shellFamily(readFileSync(p)), undefined, p);
});

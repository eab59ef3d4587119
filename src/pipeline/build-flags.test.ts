import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withAirlockFlags } from './run-steps.js';

test('airlock adds recorded switches to every C-family compiler, and CET on x86 at maximum hardening', () => {
  const dpkg = { CPPFLAGS: '-Wdate-time -D_FORTIFY_SOURCE=2', CFLAGS: '-g -O2', CXXFLAGS: '-g -O2 -fcf-protection', LDFLAGS: '-Wl,-z,relro' };
  assert.deepEqual(withAirlockFlags(dpkg, 'standard', 'amd64'), {
    CPPFLAGS: '-Wdate-time -D_FORTIFY_SOURCE=2',
    CFLAGS: '-Wdate-time -D_FORTIFY_SOURCE=2 -g -O2 -frecord-gcc-switches',
    CXXFLAGS: '-Wdate-time -D_FORTIFY_SOURCE=2 -g -O2 -fcf-protection -frecord-gcc-switches',
    LDFLAGS: '-Wl,-z,relro',
  });
  const max = withAirlockFlags(dpkg, 'maximum', 'amd64');
  assert.equal(max.CFLAGS, '-Wdate-time -D_FORTIFY_SOURCE=2 -g -O2 -frecord-gcc-switches -fcf-protection=full');
  assert.equal(max.CXXFLAGS, '-Wdate-time -D_FORTIFY_SOURCE=2 -g -O2 -fcf-protection -frecord-gcc-switches', 'CET named once');
  assert.equal(max.DEB_BUILD_MAINT_OPTIONS, 'hardening=+all');
  assert.ok(!withAirlockFlags(dpkg, 'maximum', 'arm64').CFLAGS!.includes('-fcf-protection'));
  assert.deepEqual(dpkg.CFLAGS, '-g -O2', 'the input is not changed');
});

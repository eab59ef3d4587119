// The emulation check: a foreign architecture's builder needs an enabled qemu-user binfmt_misc handler with the F flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { checkEmulation } from './host.js';

test('native and i386-on-amd64 need nothing; arm64 needs qemu-aarch64 enabled with the F flag', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-binfmt-'));
  try {
    checkEmulation('amd64', 'amd64', dir);
    checkEmulation('i386', 'amd64', dir);
    const fails = (re: RegExp) => assert.throws(() => checkEmulation('arm64', 'amd64', dir), (e: unknown) => e instanceof AirlockError && e.code === 'emulation-unavailable' && e.exitCode === 2 && re.test(e.message) && /qemu-user-static/.test(e.hint ?? ''));
    fails(/no binfmt_misc handler for qemu-aarch64 is registered/);
    writeFileSync(join(dir, 'qemu-aarch64'), 'disabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POF\n');
    fails(/qemu-aarch64 is disabled/);
    writeFileSync(join(dir, 'qemu-aarch64'), 'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: P\n');
    fails(/lacks the F \(fix binary\) flag/);
    writeFileSync(join(dir, 'qemu-aarch64'), 'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POF\noffset 0\n');
    checkEmulation('arm64', 'amd64', dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

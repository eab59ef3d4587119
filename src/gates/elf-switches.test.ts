import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseElf } from './elf.js';
import { lineHasStackProtector } from './elf-switches.js';

// The one-line program of issue 19: no local arrays, so -fstack-protector-strong puts no canary in it.
const HI = '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n';
const HARD = ['-O2', '-fPIE', '-pie', '-D_FORTIFY_SOURCE=2', '-Wl,-z,relro,-z,now'];

describe('recorded compiler switches', () => {
  it('the last stack-protector switch of a line decides, as in gcc', () => {
    const gcc = 'GNU C17 12.2.0 -mtune=generic -march=x86-64 -O2';
    assert.equal(lineHasStackProtector(`${gcc} -fstack-protector-strong -fasynchronous-unwind-tables`), true);
    assert.equal(lineHasStackProtector(`${gcc} -fstack-protector-all`), true);
    assert.equal(lineHasStackProtector(`${gcc} -fstack-protector`), true);
    assert.equal(lineHasStackProtector(`${gcc} -fstack-protector-strong -fno-stack-protector`), false);
    assert.equal(lineHasStackProtector(`${gcc} -fno-stack-protector -fstack-protector-strong`), true);
    assert.equal(lineHasStackProtector(`${gcc} -fstack-protector-explicit`), false);
    assert.equal(lineHasStackProtector(gcc), false);
  });

  it('gcc -frecord-gcc-switches survives strip --strip-unneeded and proves the protector of a canary-free program', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-switches-'));
    try {
      writeFileSync(join(dir, 'hi.c'), HI);
      const build = (name: string, flags: string[]) => {
        execFileSync('gcc', [...HARD, ...flags, '-o', join(dir, name), join(dir, 'hi.c')], { cwd: dir });
        execFileSync('strip', ['--strip-unneeded', '--enable-deterministic-archives', join(dir, name)]);
        return parseElf(readFileSync(join(dir, name)))!;
      };
      const recorded = build('recorded', ['-fstack-protector-strong', '-frecord-gcc-switches']);
      assert.equal(recorded.stackProtector, false, 'no canary, so no __stack_chk_fail import');
      assert.equal(recorded.stripped, true);
      assert.equal(recorded.recordedSwitches.length, 1, JSON.stringify(recorded.recordedSwitches));
      assert.match(recorded.recordedSwitches[0]!, /^GNU C\S* .*-fstack-protector-strong/);
      assert.ok(!recorded.recordedSwitches[0]!.includes(dir), 'the recorded line names no build folder');
      assert.deepEqual(build('plain', ['-fstack-protector-strong']).recordedSwitches, []);
      const off = build('off', ['-fstack-protector-strong', '-fno-stack-protector', '-frecord-gcc-switches']);
      assert.equal(lineHasStackProtector(off.recordedSwitches[0]!), false);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

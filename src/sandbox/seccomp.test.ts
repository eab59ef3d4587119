import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepSeccompFilter } from './seccomp.js';

/** Runs a classic BPF program (the few instructions a seccomp filter uses) over seccomp_data {nr, arch}. */
function run(program: Buffer, arch: number, nr: number): number {
  const word = (offset: number) => (offset === 0 ? nr : offset === 4 ? arch : assert.fail(`load at ${offset}`));
  let a = 0;
  for (let pc = 0; pc * 8 < program.length; pc++) {
    const code = program.readUInt16LE(pc * 8);
    const jt = program.readUInt8(pc * 8 + 2);
    const jf = program.readUInt8(pc * 8 + 3);
    const k = program.readUInt32LE(pc * 8 + 4);
    if (code === 0x20) a = word(k) >>> 0;
    else if (code === 0x15) pc += a === k ? jt : jf;
    else if (code === 0x35) pc += a >= k ? jt : jf;
    else if (code === 0x06) return k;
    else assert.fail(`unknown instruction ${code.toString(16)}`);
  }
  return assert.fail('the program fell off its end');
}

const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const ENOSYS = 0x00050026;

test('x86_64: ptrace and process_vm_* are refused in both ABIs the kernel runs; other calls pass', () => {
  const p = stepSeccompFilter('x64')!;
  assert.equal(p.length % 8, 0);
  const X86_64 = 0xc000003e;
  const I386 = 0x40000003;
  for (const nr of [101, 310, 311]) assert.equal(run(p, X86_64, nr), EPERM, `x86_64 ${nr}`);
  for (const nr of [26, 347, 348]) assert.equal(run(p, I386, nr), EPERM, `i386 ${nr}`);
  for (const nr of [0, 1, 59, 56, 435, 165]) assert.equal(run(p, X86_64, nr), ALLOW, `x86_64 ${nr} (read, write, execve, clone…)`);
  for (const nr of [3, 11, 120]) assert.equal(run(p, I386, nr), ALLOW, `i386 ${nr}`);
  assert.equal(run(p, X86_64, 0x40000000 + 521), ENOSYS, 'x32 ptrace (the x32 ABI as a whole)');
  assert.equal(run(p, 0xc00000b7, 117), ALLOW, 'an ABI this kernel does not run is not judged');
});

test('aarch64: the same calls by its own numbers, and the 32-bit arm ABI', () => {
  const p = stepSeccompFilter('arm64')!;
  for (const nr of [117, 270, 271]) assert.equal(run(p, 0xc00000b7, nr), EPERM, `aarch64 ${nr}`);
  for (const nr of [26, 376, 377]) assert.equal(run(p, 0x40000028, nr), EPERM, `arm ${nr}`);
  for (const nr of [63, 64, 221, 101]) assert.equal(run(p, 0xc00000b7, nr), ALLOW, `aarch64 ${nr}`);
});

test('an architecture without a table gets no filter rather than a wrong one', () => {
  assert.equal(stepSeccompFilter('riscv64'), undefined);
  assert.deepEqual(stepSeccompFilter('x64'), stepSeccompFilter('x64'), 'the same bytes every time');
});

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseElf } from './elf.js';

const readelf = (args: string[], f: string) => execFileSync('readelf', [...args, f], { encoding: 'utf8', env: { ...process.env, LANG: 'C' } });
const LIBC = '/lib/x86_64-linux-gnu/libc.so.6';
const SRC = '#include <string.h>\nint main(int c, char **v) { char b[64]; strcpy(b, v[0]); return b[c]; }\n';

// A hand-made 32-bit big-endian PIE: interp, two DT_NEEDED, DT_RUNPATH, DF_1_NOW|DF_1_PIE, RELRO, NX stack.
function elf32be(): Uint8Array {
  const b = new Uint8Array(316);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 1, 2, 1]);
  v.setUint16(16, 3); v.setUint16(18, 20); v.setUint32(20, 1);
  v.setUint32(28, 52); v.setUint16(40, 52); v.setUint16(42, 32); v.setUint16(44, 5); v.setUint16(46, 40);
  const ph = (i: number, type: number, off: number, size: number, flags: number) => {
    const p = 52 + i * 32;
    v.setUint32(p, type); v.setUint32(p + 4, off); v.setUint32(p + 8, off); v.setUint32(p + 16, size); v.setUint32(p + 20, size); v.setUint32(p + 24, flags); v.setUint32(p + 28, 4);
  };
  ph(0, 3, 212, 13, 4); ph(1, 1, 0, 316, 5); ph(2, 2, 260, 56, 6); ph(3, 0x6474e551, 0, 0, 6); ph(4, 0x6474e552, 260, 56, 4);
  b.set(new TextEncoder().encode('/lib/ld.so.1\0'), 212);
  b.set(new TextEncoder().encode('\0libc.so.6\0libfoo.so\0/opt/lib\0'), 228);
  const dyn: [number, number][] = [[1, 1], [1, 11], [29, 21], [5, 228], [0x6ffffffb, 0x08000001], [0, 0]];
  dyn.forEach(([t, x], i) => { v.setUint32(260 + i * 8, t); v.setUint32(264 + i * 8, x); });
  return b;
}

describe('parseElf', () => {
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'airlock-elf-')); });

  it('reads /bin/ls like readelf does', () => {
    const info = parseElf(readFileSync('/bin/ls'))!;
    assert.equal(info.class, 64);
    assert.equal(info.machineName, 'x86_64');
    assert.equal(info.type, 'dyn');
    assert.equal(info.interpreter, '/lib64/ld-linux-x86-64.so.2');
    const needed = [...readelf(['-dW'], '/bin/ls').matchAll(/\(NEEDED\)\s+Shared library: \[(.+)\]/g)].map((m) => m[1]);
    assert.deepEqual(info.needed, needed);
    const id = /Build ID: ([0-9a-f]+)/.exec(readelf(['-n'], '/bin/ls'))?.[1];
    assert.equal(info.buildId, id);
    assert.ok(info.pie && info.nxStack && info.stackProtector);
    assert.ok(info.fortify.fortified.includes('printf'));
    assert.ok(info.imports.includes('__stack_chk_fail'));
    assert.equal(info.isStatic, false);
    assert.deepEqual(info.problems, []);
  });

  it('reads a shared library: soname, exports, not an executable', () => {
    const info = parseElf(readFileSync('/usr/lib/x86_64-linux-gnu/libz.so.1'))!;
    assert.equal(info.type, 'dyn');
    assert.equal(info.soname, 'libz.so.1');
    assert.equal(info.interpreter, undefined);
    assert.equal(info.pie, false);
    assert.equal(info.hasPhdr, false);
    assert.ok(info.exports.includes('inflate'));
    assert.deepEqual(info.needed, ['libc.so.6']);
    assert.ok(parseElf(readFileSync(LIBC))!.exports.includes('__memcpy_chk'));
  });

  it('recognises a static binary built with gcc -static', () => {
    const src = join(dir, 'a.c');
    writeFileSync(src, SRC);
    execFileSync('gcc', ['-O2', '-static', '-o', join(dir, 'static'), src]);
    const info = parseElf(readFileSync(join(dir, 'static')))!;
    assert.equal(info.type, 'exec');
    assert.equal(info.isStatic, true);
    assert.equal(info.interpreter, undefined);
    assert.deepEqual(info.needed, []);
    assert.equal(info.pie, false);
    assert.equal(info.stripped, false);
    execFileSync('strip', [join(dir, 'static')]);
    assert.equal(parseElf(readFileSync(join(dir, 'static')))!.stripped, true);
  });

  it('reads hardening flags of a fully hardened build and an unhardened one', () => {
    const src = join(dir, 'b.c');
    writeFileSync(src, SRC);
    execFileSync('gcc', ['-O2', '-fPIE', '-pie', '-fstack-protector-all', '-D_FORTIFY_SOURCE=2', '-Wl,-z,relro,-z,now', '-o', join(dir, 'hard'), src]);
    execFileSync('gcc', ['-O0', '-no-pie', '-fno-stack-protector', '-Wl,-z,norelro,-z,execstack', '-o', join(dir, 'soft'), src]);
    const hard = parseElf(readFileSync(join(dir, 'hard')))!;
    assert.equal(hard.pie, true);
    assert.equal(hard.relro, 'full');
    assert.equal(hard.stackProtector, true);
    assert.deepEqual(hard.fortify.fortified, ['strcpy']);
    const soft = parseElf(readFileSync(join(dir, 'soft')))!;
    assert.equal(soft.type, 'exec');
    assert.equal(soft.pie, false);
    assert.equal(soft.relro, 'none');
    assert.equal(soft.nxStack, false);
    assert.equal(soft.stackProtector, false);
  });

  it('reads an object file, including CET bits from .note.gnu.property', () => {
    const src = join(dir, 'c.c');
    writeFileSync(src, SRC);
    execFileSync('gcc', ['-O2', '-fcf-protection=full', '-c', '-o', join(dir, 'c.o'), src]);
    const info = parseElf(readFileSync(join(dir, 'c.o')))!;
    assert.equal(info.type, 'rel');
    assert.deepEqual(info.cet, { ibt: true, shstk: true });
    assert.equal(info.nxStack, true);
    assert.equal(info.isStatic, false);
    execFileSync('gcc', ['-O2', '-fcf-protection=none', '-c', '-o', join(dir, 'd.o'), src]);
    assert.deepEqual(parseElf(readFileSync(join(dir, 'd.o')))!.cet, { ibt: false, shstk: false });
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a 32-bit big-endian file', () => {
    const info = parseElf(elf32be())!;
    assert.equal(info.class, 32);
    assert.equal(info.endian, 'big');
    assert.equal(info.machineName, 'ppc');
    assert.equal(info.interpreter, '/lib/ld.so.1');
    assert.deepEqual(info.needed, ['libc.so.6', 'libfoo.so']);
    assert.equal(info.runpath, '/opt/lib');
    assert.equal(info.pie, true);
    assert.equal(info.relro, 'full');
    assert.equal(info.nxStack, true);
    assert.equal(info.stripped, true);
    assert.deepEqual(info.problems, []);
  });

  it('returns undefined for non-ELF input', () => {
    assert.equal(parseElf(new TextEncoder().encode('#!/bin/sh\necho hi\n')), undefined);
    assert.equal(parseElf(new Uint8Array([0x7f, 0x45, 0x4c, 0x46])), undefined);
    assert.equal(parseElf(new Uint8Array(0)), undefined);
  });

  it('never throws on truncated or corrupted files', () => {
    const ls = readFileSync('/bin/ls');
    const truncated = parseElf(ls.subarray(0, 4096))!;
    assert.ok(truncated.problems.length > 0, 'a truncated file reports problems');
    fc.assert(fc.property(fc.integer({ min: 64, max: ls.length }), fc.array(fc.tuple(fc.nat(ls.length - 1), fc.nat(255)), { maxLength: 40 }), (len, flips) => {
      const b = Uint8Array.from(ls.subarray(0, len));
      for (const [i, x] of flips) if (i < b.length && i >= 16) b[i] = x;
      const info = parseElf(b);
      assert.ok(info === undefined || Array.isArray(info.problems));
    }), { numRuns: 150 });
  });
});

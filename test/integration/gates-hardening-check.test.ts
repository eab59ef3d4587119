// Cross-checks the TypeScript ELF reader's hardening facts against Debian's hardening-check (devscripts)
// on every ELF file of /usr/bin in the Debian C builder rootfs and of this machine.
//
// Method: hardening-check runs readelf -lW/-dW/-n/-sW and `objdump -d` per file. The disassembly only feeds
// its stack-clash heuristic, which airlock does not report, so a no-op `objdump` is put first on PATH to
// keep the run fast (large Go binaries take minutes to disassemble). Six properties are compared per file:
// PIE, stack protector, FORTIFY (yes/no/unknown), RELRO, BIND_NOW, CET (IBT+SHSTK).
// Known, documented differences (counted, not failures):
//  - PIE: hardening-check says yes for any ET_DYN with a PT_PHDR header; airlock says PIE for ET_DYN with
//    PT_INTERP or DF_1_PIE. They differ only for odd files (e.g. a shared library that has PT_PHDR but no
//    interpreter); none on Debian 12's /usr/bin at the time of writing.
//  - Static PIE: hardening-check looks for a PT_PHDR header, which static-pie executables (qemu-user-static's
//    qemu-*-static, built with -static-pie) lack, and calls them "regular shared library"; airlock says PIE
//    (ET_DYN, DF_1_PIE, no interpreter, no DT_NEEDED).
//  - Stack protector "unknown": hardening-check lists symbols with readelf -sW and counts the null symbol
//    (index 0, NOTYPE UND, empty name) as an undefined function, so it says "no" for any file with a symbol
//    table; airlock says "unknown" when a file imports nothing. This shows on ld.so and on static executables.
// Only these two exact pairs on files of that shape are set aside (and counted in the log); every other
// disagreement counts against the threshold.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseElf, type ElfInfo } from '../../src/gates/elf.js';
import { cacheDir, cLock } from '../helpers/debian.js';
import { ensureBuilderRootfs } from '../../src/debian/rootfs.js';
import { memoryLog } from '../../src/log.js';

const run = promisify(execFile);
const PROPS = ['pie', 'stack', 'fortify', 'relro', 'bindnow', 'cfi'] as const;
type Prop = (typeof PROPS)[number];
type Verdict = Record<Prop, string>;

function ours(i: ElfInfo): Verdict {
  return {
    pie: i.type === 'exec' ? 'no' : i.pie ? 'yes' : 'lib',
    stack: i.stackProtector ? 'yes' : i.imports.length === 0 ? 'unknown' : 'no',
    fortify: i.fortify.fortified.length > 0 ? 'yes' : i.fortify.unfortified.length > 0 ? 'no' : 'unknown',
    relro: i.relro !== 'none' ? 'yes' : 'no',
    bindnow: i.bindNow ? 'yes' : 'no',
    cfi: i.cet.ibt && i.cet.shstk ? 'yes' : 'no',
  };
}

// The documented differences above, by the shape of the file and the exact pair of verdicts.
function knownDifference(i: ElfInfo, p: Prop, oursV: string, theirsV: string): boolean {
  if (p === 'pie') return i.pie && i.isStatic && oursV === 'yes' && theirsV === 'lib';
  if (p === 'stack') return i.imports.length === 0 && oursV === 'unknown' && theirsV === 'no';
  return false;
}

// Parses one file's block of hardening-check output.
function theirs(block: string): Verdict {
  const get = (label: string) => (new RegExp(`^ ${label}: (.*)$`, 'm').exec(block)?.[1] ?? '');
  const pie = get('Position Independent Executable');
  return {
    pie: pie.startsWith('yes') ? 'yes' : pie.startsWith('no, regular shared library') ? 'lib' : 'no',
    stack: get('Stack protected').startsWith('yes') ? 'yes' : get('Stack protected').startsWith('unknown') ? 'unknown' : 'no',
    fortify: get('Fortify Source functions').split(/[ ,]/)[0]!,
    relro: get('Read-only relocations').startsWith('yes') ? 'yes' : 'no',
    bindnow: get('Immediate binding').startsWith('yes') ? 'yes' : 'no',
    cfi: get('Control flow integrity').startsWith('yes') ? 'yes' : 'no',
  };
}

function elfFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    try {
      if (!statSync(p).isFile()) continue;
      const fd = openSync(p, 'r');
      const b = Buffer.alloc(4);
      readSync(fd, b, 0, 4, 0);
      closeSync(fd);
      if (b.toString('latin1') === '\x7fELF') out.push(p);
    } catch { /* unreadable */ }
  }
  return out;
}

async function hardeningCheck(files: string[], shim: string): Promise<Map<string, Verdict>> {
  const out = new Map<string, Verdict>();
  const chunks: string[][] = [];
  for (let i = 0; i < files.length; i += 40) chunks.push(files.slice(i, i + 40));
  const env = { ...process.env, PATH: `${shim}:${process.env.PATH}`, LANG: 'C' };
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const r = await run('hardening-check', chunk, { env, maxBuffer: 64 * 1024 * 1024 }).catch((e: { stdout: string }) => e);
      for (const block of String(r.stdout).split(/\n(?=\/)/)) {
        const name = block.slice(0, block.indexOf(':\n'));
        if (chunk.includes(name)) out.set(name, theirs(block));
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return out;
}

describe('ELF hardening agrees with hardening-check', () => {
  let shim = '';
  before(() => {
    shim = mkdtempSync(join(tmpdir(), 'airlock-hc-'));
    writeFileSync(join(shim, 'objdump'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(shim, 'objdump'), 0o755);
  });

  const compare = async (label: string, dir: string, threshold: number) => {
    const files = elfFiles(dir);
    assert.ok(files.length > 50, `${dir} has ELF files`);
    const t0 = Date.now();
    const hc = await hardeningCheck(files, shim);
    const t1 = Date.now();
    let agree = 0, total = 0, known = 0;
    const diffs: string[] = [];
    const perProp = Object.fromEntries(PROPS.map((p) => [p, 0])) as Record<Prop, number>;
    for (const f of files) {
      const theirsV = hc.get(f);
      if (!theirsV) continue;
      const info = parseElf(readFileSync(f));
      if (!info) { total += PROPS.length; diffs.push(`${f}: airlock cannot read this ELF file`); continue; }
      const oursV = ours(info);
      for (const p of PROPS) {
        if (oursV[p] !== theirsV[p] && knownDifference(info, p, oursV[p], theirsV[p])) { known++; continue; }
        total++;
        if (oursV[p] === theirsV[p]) agree++;
        else { perProp[p]++; diffs.push(`${f} ${p}: airlock=${oursV[p]} hardening-check=${theirsV[p]}`); }
      }
    }
    const t2 = Date.now();
    console.log(`# ${label}: ${hc.size}/${files.length} ELF files checked; ${agree}/${total} property verdicts agree (${((100 * agree) / total).toFixed(2)}%), ${known} known differences set aside; hardening-check ${t1 - t0} ms, airlock ${t2 - t1} ms`);
    if (diffs.length) console.log(`# disagreements by property: ${JSON.stringify(perProp)}\n# ${diffs.slice(0, 20).join('\n# ')}`);
    const unread = files.filter((f) => !hc.has(f));
    assert.ok(hc.size >= files.length * 0.98, `hardening-check read ${hc.size} of ${files.length}; not: ${unread.slice(0, 20).join(' ')}`);
    assert.ok(agree / total >= threshold, `agreement ${agree}/${total} is below ${threshold}:\n${diffs.slice(0, 40).join('\n')}`);
  };

  it('on /usr/bin of the Debian C builder rootfs', { timeout: 600_000 }, async () => {
    const rootfs = await ensureBuilderRootfs(await cLock(), { cache: cacheDir, log: memoryLog(), offline: false });
    await compare('builder rootfs /usr/bin', join(rootfs.dir, 'usr/bin'), 0.995);
  });

  it('on /usr/bin of this machine', { timeout: 600_000 }, async () => {
    await compare('host /usr/bin', '/usr/bin', 0.995);
  });
});

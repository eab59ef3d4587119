// elf-hardening: PIE, full RELRO, NX stack, stack protector, FORTIFY_SOURCE and CET for every ELF file (hardening: maximum).
import { parseElf, type ElfInfo } from '../elf.js';
import { lineHasStackProtector } from '../elf-switches.js';
import type { Check, Finding } from '../types.js';

const ELF_SCAN_BYTES = 256 * 1024 * 1024;
const LIBRARY = /\.so(\.[0-9.]+)?$/;

/**
 * Missing hardening properties of one ELF file, as short labels (same rules as Debian's hardening-check), and those
 * that cannot be proven either way. A stack protector shows as an imported __stack_chk_fail, but a program whose
 * functions have no local arrays needs no canary and imports none: then the compiler switches recorded in the file
 * decide, and without them the verdict is unproven (a warning, as lintian treats small programs), never missing.
 */
export function missingHardening(info: ElfInfo): { missing: string[]; unproven: string[]; cet: boolean } {
  const missing: string[] = [];
  const unproven: string[] = [];
  const executable = info.type === 'exec' || (info.type === 'dyn' && (info.interpreter !== undefined || info.hasPhdr));
  if (info.type === 'exec') missing.push('PIE');
  if (info.relro === 'none') missing.push('RELRO');
  if (!info.bindNow) missing.push('BIND_NOW');
  if (!info.nxStack) missing.push('NX stack');
  if (!info.stackProtector && info.imports.length > 0) {
    const lines = info.recordedSwitches;
    const without = lines.filter((l) => !lineHasStackProtector(l)).length;
    if (lines.length === 0) unproven.push('stack protector');
    else if (without > 0) missing.push(`stack protector (${without} of ${lines.length} recorded compiler command lines lack it)`);
  }
  if (info.fortify.fortified.length === 0 && info.fortify.unfortified.length > 0) missing.push('FORTIFY_SOURCE');
  const cet = info.machineName === 'x86_64' && executable && !(info.cet.ibt && info.cet.shstk);
  return { missing, unproven, cet };
}

/** Checks ELF executables and shared objects; Debian-packaged files (config.packagedPaths) are reported as warnings. */
export const elfHardening: Check = {
  id: 'elf-hardening',
  severity: 'error',
  profiles: ['prod', 'dev', 'test'],
  description: "when hardening is 'maximum': every ELF executable and shared object has PIE (executables), full RELRO (GNU_RELRO + BIND_NOW), a non-executable stack, stack protector (an imported guard, or the compiler switches recorded in the file; unproven is a warning) and FORTIFY_SOURCE imports; missing CET (IBT+SHSTK) on x86_64 is a warning",
  applies: (ctx) => ctx.config.hardening === 'maximum',
  scanner: (_fs, ctx) => ({
    wants: (e) => (e.size >= 64 && ((e.mode & 0o111) !== 0 || LIBRARY.test(e.path)) ? Math.min(ctx.config.maxScanBytes ?? ELF_SCAN_BYTES, ELF_SCAN_BYTES) : 0),
    inspect(e, bytes, meta) {
      if (meta.hidden) return [];
      const info = parseElf(bytes);
      if (!info || (info.type !== 'exec' && info.type !== 'dyn')) return [];
      const packaged = ctx.config.packagedPaths?.has(e.path) === true;
      const out: Finding[] = [];
      if (meta.truncated) {
        out.push({ id: 'elf-hardening', severity: 'warning', path: e.path, layer: e.layer, message: `/${e.path} is larger than the scan limit; hardening checked on its first ${bytes.length} bytes only` });
      }
      const { missing, unproven, cet } = missingHardening(info);
      const from = packaged ? ' (from a Debian package)' : '';
      if (missing.length > 0) {
        out.push({
          id: 'elf-hardening', severity: packaged ? 'warning' : 'error', path: e.path, layer: e.layer,
          message: `/${e.path} lacks ${missing.join(', ')}${from}`,
        });
      }
      if (unproven.length > 0) {
        const why = 'no __stack_chk_fail import (none is needed without local arrays), no recorded compiler switches';
        out.push({
          id: 'elf-hardening', severity: 'warning', path: e.path, layer: e.layer,
          message: `/${e.path}: ${unproven.join(', ')} not proven (${why})${from}`,
        });
      }
      if (cet) out.push({ id: 'elf-hardening', severity: 'warning', path: e.path, layer: e.layer, message: `/${e.path} is not marked for CET (IBT and SHSTK)` });
      return out;
    },
  }),
  run: () => [],
};

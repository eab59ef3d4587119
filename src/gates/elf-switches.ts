// Compiler switches recorded in an ELF file (gcc -frecord-gcc-switches, clang -frecord-command-line): the
// .GCC.command.line section, one NUL-terminated line per compilation unit. It is not debug information, so
// `strip --strip-unneeded` keeps it.
import type { ElfBytes, SectionHeader } from './elf-reader.js';

const SECTION = '.GCC.command.line';
/** Lines longer than this are cut (a line is one compiler invocation's options). */
const MAX_LINE = 16 * 1024;

/** The distinct recorded command lines, in file order; empty when the file has no such section. */
export function readRecordedSwitches(r: ElfBytes, sections: SectionHeader[]): string[] {
  const s = sections.find((x) => x.name === SECTION);
  if (!s || s.size === 0 || s.type === 8 /* SHT_NOBITS */) return [];
  const bytes = r.slice(s.offset, s.size);
  const lines = new TextDecoder('latin1').decode(bytes).split('\0').map((l) => l.trim().slice(0, MAX_LINE));
  return [...new Set(lines.filter((l) => l !== ''))];
}

const SSP = /^-f(no-)?stack-protector(?:-(strong|all|explicit))?$/;

/**
 * Whether one recorded command line compiled with a stack protector: the last -f[no-]stack-protector[-…] switch
 * decides, as in gcc. -fstack-protector-explicit guards only functions marked for it, so it does not count.
 */
export function lineHasStackProtector(line: string): boolean {
  let on = false;
  for (const word of line.split(/\s+/)) {
    const m = SSP.exec(word);
    if (m) on = !m[1] && m[2] !== 'explicit';
  }
  return on;
}

// A pure TypeScript ELF reader: parseElf(bytes) → identity, dynamic linking and hardening facts.
import { classifyFortify } from './elf-fortify.js';
import { readDynamic, type DynamicInfo } from './elf-dynamic.js';
import { readNoteInfo, type NoteInfo } from './elf-notes.js';
import { ElfBytes, type ProgramHeader, type SectionHeader, readFileHeader, readProgramHeaders, readSectionHeaders } from './elf-reader.js';
import { readSymbolData, readSymbols, type SymbolInfo } from './elf-symbols.js';
import { readRecordedSwitches } from './elf-switches.js';
import type { ElfInfo, ElfType, Relro } from './elf-types.js';

export type { ElfInfo, ElfType, Relro } from './elf-types.js';

const PT = { INTERP: 3, PHDR: 6, GNU_STACK: 0x6474e551, GNU_RELRO: 0x6474e552 } as const;
const PF_X = 1;
const SHF_EXECINSTR = 4;
const TYPES: Record<number, ElfType> = { 1: 'rel', 2: 'exec', 3: 'dyn', 4: 'core' };
const MACHINES: Record<number, string> = {
  2: 'sparc', 3: 'i386', 8: 'mips', 20: 'ppc', 21: 'ppc64', 22: 's390x', 40: 'arm', 43: 'sparc64',
  50: 'ia64', 62: 'x86_64', 183: 'aarch64', 243: 'riscv', 258: 'loongarch',
};

/** True when the bytes start with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

// Runs one part of the parse; a malformed part is recorded and replaced by `fallback`.
function part<T>(problems: string[], what: string, fallback: T, fn: () => T): T {
  try { return fn(); } catch (e) { problems.push(`${what}: ${(e as Error).message}`); return fallback; }
}

/** Parses an ELF file held in memory; undefined when the bytes are not ELF. Never throws on malformed input. */
export function parseElf(bytes: Uint8Array): ElfInfo | undefined {
  if (!isElf(bytes) || bytes.length < 52) return undefined;
  const cls = bytes[4], data = bytes[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return undefined;
  const r = new ElfBytes(bytes, cls === 2, data === 1);
  if (r.is64 && bytes.length < 64) return undefined;
  const problems: string[] = [];
  const h = readFileHeader(r);
  const phdrs = part<ProgramHeader[]>(problems, 'program headers', [], () => readProgramHeaders(r, h));
  const sections = part<SectionHeader[]>(problems, 'section headers', [], () => readSectionHeaders(r, h));
  const noDyn: DynamicInfo = { present: false, needed: [], bindNow: false, flags1Pie: false };
  const dyn = part(problems, 'dynamic section', noDyn, () => readDynamic(r, phdrs, sections));
  const noSyms: SymbolInfo = { imports: new Set(), exports: new Set(), hasSymtab: sections.some((s) => s.type === 2) };
  const syms = part(problems, 'symbols', noSyms, () => readSymbols(r, sections, dyn));
  const notes = part<NoteInfo>(problems, 'notes', { ibt: false, shstk: false }, () => readNoteInfo(r, phdrs, sections));
  const switches = part<string[]>(problems, 'recorded switches', [], () => readRecordedSwitches(r, sections));
  const interpSeg = phdrs.find((p) => p.type === PT.INTERP);
  const interpreter = interpSeg ? part(problems, 'interpreter', undefined, () => r.cstr(interpSeg.offset, Math.min(interpSeg.filesz, 4096))) : undefined;
  const type = TYPES[h.type] ?? 'unknown';
  const hasRelro = phdrs.some((p) => p.type === PT.GNU_RELRO);
  const relro: Relro = !hasRelro ? 'none' : dyn.bindNow ? 'full' : 'partial';
  const stack = phdrs.find((p) => p.type === PT.GNU_STACK);
  const stackNote = sections.find((s) => s.name === '.note.GNU-stack');
  const nxStack = stack ? (stack.flags & PF_X) === 0 : type === 'rel' && stackNote !== undefined && (stackNote.flags & SHF_EXECINSTR) === 0;
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    class: r.is64 ? 64 : 32,
    endian: r.le ? 'little' : 'big',
    machine: h.machine,
    machineName: MACHINES[h.machine] ?? `machine-${h.machine}`,
    type,
    ...(interpreter !== undefined ? { interpreter } : {}),
    needed: dyn.needed,
    ...(dyn.soname !== undefined ? { soname: dyn.soname } : {}),
    ...(dyn.rpath !== undefined ? { rpath: dyn.rpath } : {}),
    ...(dyn.runpath !== undefined ? { runpath: dyn.runpath } : {}),
    isStatic: (type === 'exec' || type === 'dyn') && interpSeg === undefined && dyn.needed.length === 0,
    hasPhdr: phdrs.some((p) => p.type === PT.PHDR),
    pie: type === 'dyn' && (interpSeg !== undefined || dyn.flags1Pie),
    relro,
    bindNow: dyn.bindNow,
    nxStack,
    stackProtector: syms.imports.has('__stack_chk_fail') || syms.imports.has('__stack_chk_guard'),
    recordedSwitches: switches,
    fortify: classifyFortify(syms.imports),
    cet: { ibt: notes.ibt, shstk: notes.shstk },
    stripped: !syms.hasSymtab,
    ...(notes.buildId !== undefined ? { buildId: notes.buildId } : {}),
    imports: sorted(syms.imports),
    exports: sorted(syms.exports),
    problems,
  };
}

/** The bytes of a data symbol an ELF shared object defines (what libicudata exports as icudtNN_dat), or undefined. */
export function elfSymbolData(bytes: Uint8Array, name: string): Uint8Array | undefined {
  const known = (bytes[4] === 1 || bytes[4] === 2) && (bytes[5] === 1 || bytes[5] === 2);
  if (!isElf(bytes) || bytes.length < 64 || !known) return undefined;
  const r = new ElfBytes(bytes, bytes[4] === 2, bytes[5] === 1);
  try {
    const h = readFileHeader(r);
    const phdrs = readProgramHeaders(r, h);
    const sections = readSectionHeaders(r, h);
    return readSymbolData(r, sections, readDynamic(r, phdrs, sections), phdrs, name);
  } catch {
    return undefined;
  }
}

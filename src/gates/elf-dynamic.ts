// The dynamic section: needed libraries, soname, search paths and binding flags.
import { ElfBytes, type ProgramHeader, type SectionHeader, vaddrToOffset } from './elf-reader.js';

const DT = { NULL: 0, NEEDED: 1, STRTAB: 5, SYMTAB: 6, STRSZ: 10, SYMENT: 11, SONAME: 14, RPATH: 15, BIND_NOW: 24, RUNPATH: 29, FLAGS: 30, FLAGS_1: 0x6ffffffb } as const;
const DF_BIND_NOW = 0x8;
const DF_1_NOW = 0x1;
const DF_1_PIE = 0x08000000;

/** What the dynamic section says. */
export interface DynamicInfo {
  present: boolean;
  needed: string[];
  soname?: string;
  rpath?: string;
  runpath?: string;
  bindNow: boolean;
  flags1Pie: boolean;
  /** File offsets of the dynamic string and symbol tables (used when section headers are stripped). */
  strtabOffset?: number;
  symtabOffset?: number;
  syment?: number;
}

/** Reads PT_DYNAMIC (or the SHT_DYNAMIC section of a file without program headers). */
export function readDynamic(r: ElfBytes, phdrs: ProgramHeader[], sections: SectionHeader[]): DynamicInfo {
  const info: DynamicInfo = { present: false, needed: [], bindNow: false, flags1Pie: false };
  const seg = phdrs.find((p) => p.type === 2);
  const sec = sections.find((s) => s.type === 6);
  const start = seg ? seg.offset : sec?.offset;
  const size = seg ? seg.filesz : sec?.size ?? 0;
  if (start === undefined) return info;
  info.present = true;
  const entsize = r.is64 ? 16 : 8;
  const entries: [number, number][] = [];
  for (let off = start; off + entsize <= start + size; off += entsize) {
    const tag = r.word(off);
    const val = r.word(off + entsize / 2);
    if (tag === DT.NULL) break;
    entries.push([tag, val]);
  }
  const strAddr = entries.find(([t]) => t === DT.STRTAB)?.[1];
  let strOff = strAddr === undefined ? undefined : vaddrToOffset(phdrs, strAddr);
  if (strOff === undefined && sec) strOff = sections[sec.link]?.offset;
  const symAddr = entries.find(([t]) => t === DT.SYMTAB)?.[1];
  info.strtabOffset = strOff;
  info.symtabOffset = symAddr === undefined ? undefined : vaddrToOffset(phdrs, symAddr);
  info.syment = entries.find(([t]) => t === DT.SYMENT)?.[1];
  const str = (v: number) => (strOff === undefined ? undefined : r.cstr(strOff + v));
  for (const [tag, val] of entries) {
    if (tag === DT.NEEDED) { const s = str(val); if (s !== undefined) info.needed.push(s); }
    else if (tag === DT.SONAME) info.soname = str(val);
    else if (tag === DT.RPATH) info.rpath = str(val);
    else if (tag === DT.RUNPATH) info.runpath = str(val);
    else if (tag === DT.BIND_NOW) info.bindNow = true;
    else if (tag === DT.FLAGS && (val & DF_BIND_NOW) !== 0) info.bindNow = true;
    else if (tag === DT.FLAGS_1) {
      if ((val & DF_1_NOW) !== 0) info.bindNow = true;
      if ((val & DF_1_PIE) !== 0) info.flags1Pie = true;
    }
  }
  return info;
}

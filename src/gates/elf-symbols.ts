// Symbol tables: imported (undefined) and exported (defined, global) function names.
import { ElfBytes, type ProgramHeader, type SectionHeader, vaddrToOffset } from './elf-reader.js';
import type { DynamicInfo } from './elf-dynamic.js';

const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const MAX_SYMBOLS = 1_000_000;

/** Imported and exported symbol names of a file. */
export interface SymbolInfo { imports: Set<string>; exports: Set<string>; hasSymtab: boolean }

interface Table { offset: number; count: number; strOff: number; strSize: number; dynamic: boolean }

function tables(r: ElfBytes, sections: SectionHeader[], dyn: DynamicInfo): Table[] {
  const entsize = r.is64 ? 24 : 16;
  const out: Table[] = [];
  for (const s of sections) {
    if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
    const str = sections[s.link];
    if (!str) continue;
    out.push({ offset: s.offset, count: Math.min(Math.floor(s.size / entsize), MAX_SYMBOLS), strOff: str.offset, strSize: str.size, dynamic: s.type === SHT_DYNSYM });
  }
  // Section headers stripped: .dynsym normally sits right before .dynstr, which bounds its size.
  if (!out.some((t) => t.dynamic) && dyn.symtabOffset !== undefined && dyn.strtabOffset !== undefined && dyn.strtabOffset > dyn.symtabOffset) {
    const count = Math.min(Math.floor((dyn.strtabOffset - dyn.symtabOffset) / (dyn.syment || entsize)), MAX_SYMBOLS);
    out.push({ offset: dyn.symtabOffset, count, strOff: dyn.strtabOffset, strSize: r.bytes.length - dyn.strtabOffset, dynamic: true });
  }
  return out;
}

/** Reads undefined FUNC/IFUNC/NOTYPE symbols (imports) and defined global dynamic symbols (exports). */
export function readSymbols(r: ElfBytes, sections: SectionHeader[], dyn: DynamicInfo): SymbolInfo {
  const info: SymbolInfo = { imports: new Set(), exports: new Set(), hasSymtab: sections.some((s) => s.type === SHT_SYMTAB) };
  const entsize = r.is64 ? 24 : 16;
  for (const t of tables(r, sections, dyn)) {
    for (let i = 1; i < t.count; i++) {
      const e = t.offset + i * entsize;
      const nameOff = r.u32(e);
      const infoByte = r.is64 ? r.u8(e + 4) : r.u8(e + 12);
      const shndx = r.is64 ? r.u16(e + 6) : r.u16(e + 14);
      const type = infoByte & 0xf; // 0 NOTYPE, 2 FUNC, 10 IFUNC
      const bind = infoByte >> 4; // 1 GLOBAL, 2 WEAK
      if (nameOff === 0 || nameOff >= t.strSize) continue;
      if (type !== 0 && type !== 2 && type !== 10 && !(type === 1 && shndx !== 0)) continue;
      const raw = r.cstr(t.strOff + nameOff, 512);
      const at = raw.indexOf('@');
      const name = at > 0 ? raw.slice(0, at) : raw;
      if (shndx === 0) {
        if (type !== 1) info.imports.add(name);
      } else if (t.dynamic && (bind === 1 || bind === 2)) info.exports.add(name);
    }
  }
  return info;
}

/** The bytes of a defined dynamic data symbol (STT_OBJECT), e.g. the ICU data a libicudata exports; else undefined. */
export function readSymbolData(
  r: ElfBytes, sections: SectionHeader[], dyn: DynamicInfo, phdrs: ProgramHeader[], name: string,
): Uint8Array | undefined {
  const entsize = r.is64 ? 24 : 16;
  for (const t of tables(r, sections, dyn).filter((x) => x.dynamic)) {
    for (let i = 1; i < t.count; i++) {
      const e = t.offset + i * entsize;
      const nameOff = r.u32(e);
      if (nameOff === 0 || nameOff >= t.strSize || r.cstr(t.strOff + nameOff, 512) !== name) continue;
      const type = (r.is64 ? r.u8(e + 4) : r.u8(e + 12)) & 0xf;
      const shndx = r.is64 ? r.u16(e + 6) : r.u16(e + 14);
      const value = r.is64 ? r.u64(e + 8) : r.u32(e + 4);
      const size = r.is64 ? r.u64(e + 16) : r.u32(e + 8);
      const at = vaddrToOffset(phdrs, value);
      if (type !== 1 || shndx === 0 || at === undefined) return undefined;
      return r.slice(at, size);
    }
  }
  return undefined;
}

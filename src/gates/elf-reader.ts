// Bounds-checked access to ELF headers: the file header, program headers and section headers.

/** Thrown for a read outside the file; parseElf turns it into a recorded problem. */
export class ElfRangeError extends Error {}

/** Little/big-endian, 32/64-bit reader over the bytes of one file. */
export class ElfBytes {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly is64: boolean, readonly le: boolean) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private check(off: number, len: number): void {
    if (!Number.isSafeInteger(off) || off < 0 || off + len > this.bytes.length) {
      throw new ElfRangeError(`read of ${len} bytes at offset ${off} is outside the file (${this.bytes.length} bytes)`);
    }
  }
  u8(off: number): number { this.check(off, 1); return this.view.getUint8(off); }
  u16(off: number): number { this.check(off, 2); return this.view.getUint16(off, this.le); }
  u32(off: number): number { this.check(off, 4); return this.view.getUint32(off, this.le); }
  u64(off: number): number {
    this.check(off, 8);
    const v = this.view.getBigUint64(off, this.le);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  /** An address/offset/size-sized word (4 or 8 bytes). */
  word(off: number): number { return this.is64 ? this.u64(off) : this.u32(off); }
  /** A NUL-terminated string starting at `off`, at most `max` bytes. */
  cstr(off: number, max = 4096): string {
    this.check(off, 1);
    let end = off;
    const limit = Math.min(this.bytes.length, off + max);
    while (end < limit && this.bytes[end] !== 0) end++;
    return new TextDecoder('latin1').decode(this.bytes.subarray(off, end));
  }
  slice(off: number, len: number): Uint8Array { this.check(off, len); return this.bytes.subarray(off, off + len); }
}

/** One program header. */
export interface ProgramHeader { type: number; flags: number; offset: number; vaddr: number; filesz: number; memsz: number; align: number }
/** One section header, with its name resolved. */
export interface SectionHeader { name: string; type: number; flags: number; addr: number; offset: number; size: number; link: number; align: number; entsize: number }
/** The fixed ELF file header fields airlock needs. */
export interface FileHeader { type: number; machine: number; phoff: number; shoff: number; phentsize: number; phnum: number; shentsize: number; shnum: number; shstrndx: number }

/** Reads the file header (after the 16-byte e_ident). */
export function readFileHeader(r: ElfBytes): FileHeader {
  const a = r.is64 ? [32, 40, 54, 56, 58, 60, 62] : [28, 32, 42, 44, 46, 48, 50];
  return {
    type: r.u16(16), machine: r.u16(18),
    phoff: r.word(a[0]!), shoff: r.word(a[1]!),
    phentsize: r.u16(a[2]!), phnum: r.u16(a[3]!),
    shentsize: r.u16(a[4]!), shnum: r.u16(a[5]!), shstrndx: r.u16(a[6]!),
  };
}

/** Reads all program headers. */
export function readProgramHeaders(r: ElfBytes, h: FileHeader): ProgramHeader[] {
  const out: ProgramHeader[] = [];
  if (h.phoff === 0 || h.phnum === 0) return out;
  const size = r.is64 ? 56 : 32;
  if (h.phentsize < size) throw new ElfRangeError(`program header entry size ${h.phentsize} is too small`);
  for (let i = 0; i < h.phnum; i++) {
    const p = h.phoff + i * h.phentsize;
    out.push(r.is64
      ? { type: r.u32(p), flags: r.u32(p + 4), offset: r.u64(p + 8), vaddr: r.u64(p + 16), filesz: r.u64(p + 32), memsz: r.u64(p + 40), align: r.u64(p + 48) }
      : { type: r.u32(p), offset: r.u32(p + 4), vaddr: r.u32(p + 8), filesz: r.u32(p + 16), memsz: r.u32(p + 20), flags: r.u32(p + 24), align: r.u32(p + 28) });
  }
  return out;
}

/** Reads all section headers and resolves their names through e_shstrndx. */
export function readSectionHeaders(r: ElfBytes, h: FileHeader): SectionHeader[] {
  if (h.shoff === 0 || h.shnum === 0) return [];
  const size = r.is64 ? 64 : 40;
  if (h.shentsize < size) throw new ElfRangeError(`section header entry size ${h.shentsize} is too small`);
  const raw: (SectionHeader & { nameOff: number })[] = [];
  for (let i = 0; i < h.shnum; i++) {
    const s = h.shoff + i * h.shentsize;
    raw.push(r.is64
      ? { nameOff: r.u32(s), name: '', type: r.u32(s + 4), flags: r.u64(s + 8), addr: r.u64(s + 16), offset: r.u64(s + 24), size: r.u64(s + 32), link: r.u32(s + 40), align: r.u64(s + 48), entsize: r.u64(s + 56) }
      : { nameOff: r.u32(s), name: '', type: r.u32(s + 4), flags: r.u32(s + 8), addr: r.u32(s + 12), offset: r.u32(s + 16), size: r.u32(s + 20), link: r.u32(s + 24), align: r.u32(s + 32), entsize: r.u32(s + 36) });
  }
  const strtab = raw[h.shstrndx];
  return raw.map(({ nameOff, ...s }) => {
    let name = '';
    if (strtab && nameOff < strtab.size) {
      try { name = r.cstr(strtab.offset + nameOff, 256); } catch { name = ''; }
    }
    return { ...s, name };
  });
}

/** Maps a virtual address to a file offset through the PT_LOAD segments (undefined when unmapped). */
export function vaddrToOffset(phdrs: ProgramHeader[], addr: number): number | undefined {
  for (const p of phdrs) {
    if (p.type === 1 && addr >= p.vaddr && addr < p.vaddr + p.filesz) return p.offset + (addr - p.vaddr);
  }
  return undefined;
}

// ELF notes: the GNU build-id and the x86 CET feature bits of .note.gnu.property.
import { ElfBytes, type ProgramHeader, type SectionHeader } from './elf-reader.js';

const NT_GNU_BUILD_ID = 3;
const NT_GNU_PROPERTY_TYPE_0 = 5;
const GNU_PROPERTY_X86_FEATURE_1_AND = 0xc0000002;
const SHT_NOTE = 7;
const PT_NOTE = 4;

/** What the notes say. */
export interface NoteInfo { buildId?: string; ibt: boolean; shstk: boolean }

const align = (n: number, a: number) => Math.ceil(n / a) * a;

function readProperties(r: ElfBytes, off: number, size: number, info: NoteInfo): void {
  const pad = r.is64 ? 8 : 4;
  let p = off;
  while (p + 8 <= off + size) {
    const type = r.u32(p);
    const datasz = r.u32(p + 4);
    if (type === GNU_PROPERTY_X86_FEATURE_1_AND && datasz >= 4) {
      const bits = r.u32(p + 8);
      info.ibt ||= (bits & 1) !== 0;
      info.shstk ||= (bits & 2) !== 0;
    }
    p += 8 + align(datasz, pad);
  }
}

function readNotes(r: ElfBytes, off: number, size: number, alignment: number, info: NoteInfo): void {
  const a = alignment === 8 ? 8 : 4;
  let p = off;
  const end = off + size;
  while (p + 12 <= end) {
    const namesz = r.u32(p);
    const descsz = r.u32(p + 4);
    const type = r.u32(p + 8);
    const name = namesz > 0 ? r.cstr(p + 12, namesz) : '';
    const desc = off + align(p - off + 12 + namesz, a);
    if (desc + descsz > end) break;
    if (name === 'GNU') {
      if (type === NT_GNU_BUILD_ID && descsz > 0 && descsz <= 64) info.buildId = Buffer.from(r.slice(desc, descsz)).toString('hex');
      if (type === NT_GNU_PROPERTY_TYPE_0) readProperties(r, desc, descsz, info);
    }
    p = off + align(desc - off + descsz, a);
  }
}

/** Reads SHT_NOTE sections, or PT_NOTE segments when the file has no section headers. */
export function readNoteInfo(r: ElfBytes, phdrs: ProgramHeader[], sections: SectionHeader[]): NoteInfo {
  const info: NoteInfo = { ibt: false, shstk: false };
  const notes = sections.filter((s) => s.type === SHT_NOTE);
  if (notes.length > 0) {
    for (const s of notes) readNotes(r, s.offset, s.size, s.align, info);
  } else {
    for (const p of phdrs) if (p.type === PT_NOTE) readNotes(r, p.offset, p.filesz, p.align, info);
  }
  return info;
}

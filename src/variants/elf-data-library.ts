// A shared library that holds one read-only data symbol and no code: what `genccode` + `gcc -shared` make of an ICU
// .dat, written directly. The layout is a linker's: a read-only segment (headers, hash, symbols, the data), a
// writable one with only the dynamic section under full RELRO (BIND_NOW), a non-executable stack, section headers.
// Pure and deterministic: no build id, no time, nothing from the host.

/** What the new library takes from the one it replaces (its ELF header fields), and what it holds. */
export interface DataLibrarySpec {
  /** ELF class 1 (32-bit) or 2 (64-bit), data 1 (little-endian) or 2 (big-endian), OS ABI, machine and flags. */
  elfClass: 1 | 2;
  elfData: 1 | 2;
  osAbi: number;
  machine: number;
  flags: number;
  soname: string;
  symbol: string;
  data: Uint8Array;
}

const PT_LOAD = 1, PT_DYNAMIC = 2, PT_GNU_STACK = 0x6474e551, PT_GNU_RELRO = 0x6474e552;
const PF_W = 2, PF_R = 4;
const SHT_PROGBITS = 1, SHT_STRTAB = 3, SHT_DYNAMIC = 6, SHT_DYNSYM = 11, SHT_GNU_HASH = 0x6ffffff6;
const SHF_WRITE = 1, SHF_ALLOC = 2;
const DT = { NULL: 0, GNU_HASH: 0x6ffffef5, STRTAB: 5, SYMTAB: 6, STRSZ: 10, SYMENT: 11, SONAME: 14, FLAGS: 30, FLAGS_1: 0x6ffffffb };
const DF_BIND_NOW = 8, DF_1_NOW = 1;
/** Segment alignment: the largest page size of Debian's architectures (arm64 and ppc64el kernels may use 64 KiB). */
const MAX_PAGE = 0x10000;
/** RELRO protects whole pages: the dynamic section ends on a page boundary so that it is read-only after loading. */
const COMMON_PAGE = 0x1000;
const up = (n: number, a: number) => Math.ceil(n / a) * a;

/** The GNU symbol hash (dl_new_hash): h = h * 33 + c, from 5381, in 32 bits. */
export function gnuHash(name: string): number {
  let h = 5381;
  for (const c of Buffer.from(name, 'latin1')) h = (h * 33 + c) >>> 0;
  return h;
}

/** The shared library's bytes. */
export function dataLibrary(spec: DataLibrarySpec): Uint8Array {
  const is64 = spec.elfClass === 2;
  const word = is64 ? 8 : 4;
  const sz = is64
    ? { ehdr: 64, phdr: 56, shdr: 64, sym: 24, dyn: 16 }
    : { ehdr: 52, phdr: 32, shdr: 40, sym: 16, dyn: 8 };
  const dynstr = Buffer.from(`\0${spec.soname}\0${spec.symbol}\0`, 'latin1');
  const sonameAt = 1, symbolAt = 2 + spec.soname.length;
  const shstr = Buffer.from('\0.gnu.hash\0.dynsym\0.dynstr\0.rodata\0.dynamic\0.shstrtab\0', 'latin1');
  const shName = (n: string) => shstr.indexOf(Buffer.from(`${n}\0`, 'latin1'));
  const dynamic: [number, number][] = [
    [DT.SONAME, sonameAt], [DT.GNU_HASH, 0], [DT.STRTAB, 0], [DT.SYMTAB, 0], [DT.STRSZ, dynstr.length],
    [DT.SYMENT, sz.sym], [DT.FLAGS, DF_BIND_NOW], [DT.FLAGS_1, DF_1_NOW], [DT.NULL, 0],
  ];
  const PHDRS = 5;
  // Read-only segment: headers, .gnu.hash (one bucket, a one-word bloom filter), .dynsym (the null symbol and
  // ours), .dynstr, .rodata.
  const hash = up(sz.ehdr + PHDRS * sz.phdr, word);
  const hashSize = 16 + word + 4 + 4;
  const dynsym = up(hash + hashSize, word);
  const strtab = dynsym + 2 * sz.sym;
  const rodata = up(strtab + dynstr.length, 16);
  const roEnd = rodata + spec.data.length;
  // Writable segment: .dynamic alone, ending on a page boundary, one maximum page above its file offset.
  const dynSize = dynamic.length * sz.dyn;
  const dynOff = up(roEnd + dynSize, COMMON_PAGE) - dynSize;
  const dynAddr = dynOff + MAX_PAGE;
  const shstrOff = dynOff + dynSize;
  const shoff = up(shstrOff + shstr.length, word);
  const total = shoff + 7 * sz.shdr;
  dynamic[1]![1] = hash; dynamic[2]![1] = strtab; dynamic[3]![1] = dynsym;

  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const le = spec.elfData === 1;
  /** Writes fields one after another: b 8, h 16, w 32 bits, a an address or size (the class's word). */
  const put = (at: number, fields: [kind: 'b' | 'h' | 'w' | 'a', value: number][]) => {
    for (const [kind, x] of fields) {
      if (kind === 'b') out[at] = x;
      else if (kind === 'h') v.setUint16(at, x, le);
      else if (kind === 'w' || !is64) v.setUint32(at, x, le);
      else v.setBigUint64(at, BigInt(x), le);
      at += kind === 'b' ? 1 : kind === 'h' ? 2 : kind === 'w' ? 4 : word;
    }
  };

  out.set([0x7f, 0x45, 0x4c, 0x46, spec.elfClass, spec.elfData, 1, spec.osAbi], 0);
  put(16, [['h', 3], ['h', spec.machine], ['w', 1], ['a', 0], ['a', sz.ehdr], ['a', shoff], ['w', spec.flags],
    ['h', sz.ehdr], ['h', sz.phdr], ['h', PHDRS], ['h', sz.shdr], ['h', 7], ['h', 6]]);

  const phdr = (i: number, type: number, flags: number, off: number, vaddr: number, size: number, align: number) => {
    const place: ['a', number][] = [['a', off], ['a', vaddr], ['a', vaddr], ['a', size], ['a', size]];
    put(sz.ehdr + i * sz.phdr, is64
      ? [['w', type], ['w', flags], ...place, ['a', align]]
      : [['w', type], ...place, ['w', flags], ['a', align]]);
  };
  phdr(0, PT_LOAD, PF_R, 0, 0, roEnd, MAX_PAGE);
  phdr(1, PT_LOAD, PF_R | PF_W, dynOff, dynAddr, dynSize, MAX_PAGE);
  phdr(2, PT_DYNAMIC, PF_R | PF_W, dynOff, dynAddr, dynSize, word);
  phdr(3, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 16);
  phdr(4, PT_GNU_RELRO, PF_R, dynOff, dynAddr, dynSize, 1);

  // GNU hash: nbuckets 1, symoffset 1, bloom size 1, bloom shift 6; the bloom word, bucket [1], chain [h | 1].
  const h = gnuHash(spec.symbol);
  const bits = word * 8;
  const bloom = (1n << BigInt(h % bits)) | (1n << BigInt((h >>> 6) % bits));
  put(hash, [['w', 1], ['w', 1], ['w', 1], ['w', 6]]);
  if (is64) v.setBigUint64(hash + 16, bloom, le); else v.setUint32(hash + 16, Number(bloom), le);
  put(hash + 16 + word, [['w', 1], ['w', (h | 1) >>> 0]]);
  // Symbol 1: the data, a global object (binding 1, type 1) in .rodata (section 4).
  const info: ['b', number] = ['b', (1 << 4) | 1];
  put(dynsym + sz.sym, is64
    ? [['w', symbolAt], info, ['b', 0], ['h', 4], ['a', rodata], ['a', spec.data.length]]
    : [['w', symbolAt], ['a', rodata], ['a', spec.data.length], info, ['b', 0], ['h', 4]]);
  out.set(dynstr, strtab);
  out.set(spec.data, rodata);
  dynamic.forEach(([tag, val], i) => put(dynOff + i * sz.dyn, [['a', tag], ['a', val]]));
  out.set(shstr, shstrOff);

  /** A section header: name, type, flags, address, offset, size, link, info, alignment, entry size. */
  const shdr = (i: number, name: string, type: number, flags: number, at: [addr: number, off: number, size: number],
    link: number, inf: number, align: number, entsize: number) => {
    const [address, off, size] = at;
    put(shoff + i * sz.shdr, [['w', name ? shName(name) : 0], ['w', type], ['a', flags], ['a', address], ['a', off],
      ['a', size], ['w', link], ['w', inf], ['a', align], ['a', entsize]]);
  };
  shdr(1, '.gnu.hash', SHT_GNU_HASH, SHF_ALLOC, [hash, hash, hashSize], 2, 0, word, 0);
  shdr(2, '.dynsym', SHT_DYNSYM, SHF_ALLOC, [dynsym, dynsym, 2 * sz.sym], 3, 1, word, sz.sym);
  shdr(3, '.dynstr', SHT_STRTAB, SHF_ALLOC, [strtab, strtab, dynstr.length], 0, 0, 1, 0);
  shdr(4, '.rodata', SHT_PROGBITS, SHF_ALLOC, [rodata, rodata, spec.data.length], 0, 0, 16, 0);
  shdr(5, '.dynamic', SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE, [dynAddr, dynOff, dynSize], 3, 0, word, sz.dyn);
  shdr(6, '.shstrtab', SHT_STRTAB, 0, [0, shstrOff, shstr.length], 0, 0, 1, 0);
  return out;
}

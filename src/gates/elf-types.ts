// The facts airlock reads from an ELF file: identity, dynamic linking and hardening properties.

/** ELF object type (e_type). */
export type ElfType = 'rel' | 'exec' | 'dyn' | 'core' | 'unknown';

/** RELRO level: 'full' = PT_GNU_RELRO + immediate binding, 'partial' = PT_GNU_RELRO only. */
export type Relro = 'none' | 'partial' | 'full';

/** Everything parseElf reports about one ELF file. */
export interface ElfInfo {
  class: 32 | 64;
  endian: 'little' | 'big';
  /** e_machine number and a short name ('x86_64', 'aarch64', …; 'machine-<n>' when unknown). */
  machine: number;
  machineName: string;
  type: ElfType;
  /** PT_INTERP contents, e.g. '/lib64/ld-linux-x86-64.so.2'. */
  interpreter?: string;
  /** DT_NEEDED entries in file order. */
  needed: string[];
  soname?: string;
  rpath?: string;
  runpath?: string;
  /** No PT_INTERP and no dynamic dependencies (static executable or static-pie). */
  isStatic: boolean;
  /** A PT_PHDR header exists (what hardening-check uses to tell a PIE from a shared library). */
  hasPhdr: boolean;
  /** Position-independent executable: ET_DYN with PT_INTERP, or DF_1_PIE. */
  pie: boolean;
  relro: Relro;
  /** DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW. */
  bindNow: boolean;
  /** PT_GNU_STACK without PF_X (for objects: a non-executable .note.GNU-stack section). */
  nxStack: boolean;
  /** Imports __stack_chk_fail or __stack_chk_guard. */
  stackProtector: boolean;
  /** Compiler command lines recorded in .GCC.command.line (-frecord-gcc-switches), distinct, in file order. */
  recordedSwitches: string[];
  fortify: {
    /** Base names of imported __<name>_chk functions, sorted ('memcpy' for __memcpy_chk). */
    fortified: string[];
    /** Imported plain libc functions that have a _chk variant, sorted. */
    unfortified: string[];
  };
  /** x86 control-flow enforcement bits from GNU_PROPERTY_X86_FEATURE_1_AND. */
  cet: { ibt: boolean; shstk: boolean };
  /** No .symtab section. */
  stripped: boolean;
  /** NT_GNU_BUILD_ID as lowercase hex. */
  buildId?: string;
  /** Undefined (imported) function symbols of .dynsym and .symtab, sorted, without versions. */
  imports: string[];
  /** Defined dynamic symbols (exports), sorted; empty for executables without exports. */
  exports: string[];
  /** Parts of the file that were malformed and skipped (empty for a well-formed file). */
  problems: string[];
}

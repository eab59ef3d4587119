// The seccomp filter of a build step (bwrap --seccomp): a classic BPF program that refuses, with EPERM, the system
// calls that read or steer another process: ptrace, process_vm_readv and process_vm_writev. Without it a step could
// trace its own shell, the processes of its test harness or anything else in its pid namespace, which Docker's
// default profile allows on new kernels. Everything else is allowed: the sandbox's namespaces, read-only binds and
// dropped capabilities do the rest. Pure: the program is bytes (struct sock_filter, host byte order).

/** What the filter refuses, by name (for messages and docs). */
export const REFUSED_SYSCALLS = ['ptrace', 'process_vm_readv', 'process_vm_writev'] as const;

/** An ABI the kernel reports in seccomp_data.arch, and its numbers for the refused calls (in REFUSED_SYSCALLS order). */
interface Abi {
  audit: number;
  numbers: readonly number[];
}

// <linux/audit.h> AUDIT_ARCH_* and the syscall tables of each ABI.
const X86_64: Abi = { audit: 0xc000003e, numbers: [101, 310, 311] };
const I386: Abi = { audit: 0x40000003, numbers: [26, 347, 348] };
const AARCH64: Abi = { audit: 0xc00000b7, numbers: [117, 270, 271] };
const ARM: Abi = { audit: 0x40000028, numbers: [26, 376, 377] };

/** A host's native ABI and the 32-bit one its kernel may also run. */
const ABIS: Readonly<Record<string, readonly Abi[]>> = { x64: [X86_64, I386], arm64: [AARCH64, ARM] };

/** x32 system calls come in as x86_64 with this bit set in the number: refused as a whole (nothing here uses x32). */
const X32_SYSCALL_BIT = 0x40000000;

// <linux/filter.h>, <linux/seccomp.h>
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;

interface Insn { code: number; k: number; jt?: string; jf?: string; label?: string }

/** Lays out the instructions, resolving jump labels to the relative offsets BPF wants (forward only). */
function assemble(insns: Insn[]): Buffer {
  const at = new Map<string, number>();
  insns.forEach((x, i) => { if (x.label) at.set(x.label, i); });
  const out = Buffer.alloc(insns.length * 8);
  insns.forEach((x, i) => {
    const rel = (label: string | undefined) => {
      if (label === undefined) return 0;
      const target = at.get(label);
      if (target === undefined || target <= i || target - i - 1 > 255) throw new Error(`seccomp: bad jump to ${label}`);
      return target - i - 1;
    };
    const offset = i * 8;
    out.writeUInt16LE(x.code, offset);
    out.writeUInt8(rel(x.jt), offset + 2);
    out.writeUInt8(rel(x.jf), offset + 3);
    out.writeUInt32LE(x.k >>> 0, offset + 4);
  });
  return out;
}

/**
 * The filter for a Node `process.arch` (x64 or arm64; byte order little-endian, as on both). Undefined for another
 * architecture: the step then runs without one (the other walls stand).
 */
export function stepSeccompFilter(arch: string = process.arch): Buffer | undefined {
  const abis = ABIS[arch];
  if (!abis) return undefined;
  const insns: Insn[] = [{ code: LD_W_ABS, k: OFFSET_ARCH }];
  abis.forEach((abi, i) => {
    const next = i + 1 < abis.length ? `abi${i + 1}` : 'allow';
    insns.push({ code: JEQ_K, k: abi.audit, jf: next, ...(i ? { label: `abi${i}` } : {}) });
    insns.push({ code: LD_W_ABS, k: OFFSET_NR });
    if (abi === X86_64) insns.push({ code: JGE_K, k: X32_SYSCALL_BIT, jt: 'enosys' });
    for (const nr of abi.numbers) insns.push({ code: JEQ_K, k: nr, jt: 'eperm' });
    insns.push({ code: RET_K, k: RET_ALLOW });
  });
  insns.push({ code: RET_K, k: RET_ALLOW, label: 'allow' });
  insns.push({ code: RET_K, k: RET_ERRNO | EPERM, label: 'eperm' });
  insns.push({ code: RET_K, k: RET_ERRNO | ENOSYS, label: 'enosys' });
  return assemble(insns);
}

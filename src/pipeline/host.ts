// Facts about the machine airlock runs on, read at the edge.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { AirlockError } from '../errors.js';

const NODE_TO_DEBIAN: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386', ppc64: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' };

/** Node's architectures that name one Debian architecture whatever the userland (32-bit arm is armhf or armel). */
const UNAMBIGUOUS = new Set(['x64', 'arm64']);

/**
 * The Debian architecture of this machine: mapped from Node's where that has one answer (a dpkg process costs a
 * no-change rebuild 30 ms), else dpkg's answer when dpkg exists, else mapped from Node's.
 */
export function hostArchitecture(): string {
  if (UNAMBIGUOUS.has(process.arch)) return NODE_TO_DEBIAN[process.arch]!;
  const r = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  return NODE_TO_DEBIAN[process.arch] ?? process.arch;
}

/** qemu's name of each Debian architecture (binfmt_misc handlers are named qemu-<name>). */
const QEMU_OF_DEBIAN: Record<string, string> = {
  amd64: 'x86_64', arm64: 'aarch64', armhf: 'arm', armel: 'arm', i386: 'i386', ppc64el: 'ppc64le', s390x: 's390x',
  riscv64: 'riscv64', mips64el: 'mips64el', mipsel: 'mipsel',
};

/** Architectures the host runs without emulation (amd64 runs i386 programs itself). */
export function runsNatively(host: string, target: string): boolean {
  return target === host || (host === 'amd64' && target === 'i386');
}

/**
 * Fails before a build starts when `target`'s programs cannot run here: neither natively nor through an enabled
 * binfmt_misc handler for qemu-user (registered with the F flag, so that sandboxes and chroots can use it too).
 */
export function checkEmulation(target: string, host: string, binfmtDir = '/proc/sys/fs/binfmt_misc'): void {
  if (runsNatively(host, target)) return;
  const name = QEMU_OF_DEBIAN[target] ?? target;
  let text = '';
  try { text = readFileSync(`${binfmtDir}/qemu-${name}`, 'utf8'); } catch { /* no handler */ }
  const enabled = /^enabled$/m.test(text);
  const fixed = /^flags:.*F/m.test(text);
  if (enabled && fixed) return;
  const why = !text ? `no binfmt_misc handler for qemu-${name} is registered` : !enabled ? `the binfmt_misc handler qemu-${name} is disabled` : `the binfmt_misc handler qemu-${name} lacks the F (fix binary) flag, so sandboxed steps cannot use it`;
  throw new AirlockError('usage', 'emulation-unavailable', `building for ${target} on this ${host} host needs qemu-user emulation: ${why}`, {
    hint: `install it: apt-get install qemu-user-static (it registers qemu-${name} with the F flag; in a container, mount binfmt_misc and write /usr/lib/binfmt.d/qemu-${name}.conf to ${binfmtDir}/register), or build only for ${host}`,
  });
}

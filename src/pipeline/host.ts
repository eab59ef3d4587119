// Facts about the machine airlock runs on, read at the edge.
import { spawnSync } from 'node:child_process';

const NODE_TO_DEBIAN: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386', ppc64: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' };

/** The Debian architecture of this machine (dpkg's answer when dpkg exists, else mapped from Node's). */
export function hostArchitecture(): string {
  const r = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  return NODE_TO_DEBIAN[process.arch] ?? process.arch;
}

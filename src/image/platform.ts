// Platforms: Debian architecture names ↔ OCI platform fields, and the `--platform` grammar (linux/arm64[/v8]).
import { AirlockError } from '../errors.js';
import type { Platform } from './descriptor.js';

/** OCI (GOARCH-style) architecture and variant of each Debian architecture airlock knows. */
const OCI_OF_DEBIAN: Record<string, { architecture: string; variant?: string }> = {
  amd64: { architecture: 'amd64' },
  arm64: { architecture: 'arm64', variant: 'v8' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v5' },
  i386: { architecture: '386' },
  ppc64el: { architecture: 'ppc64le' },
  s390x: { architecture: 's390x' },
  riscv64: { architecture: 'riscv64' },
  mips64el: { architecture: 'mips64le' },
};

/** The OCI platform of a Debian architecture (arm64 → linux/arm64/v8); an unknown name passes through as is. */
export function ociPlatform(debianArch: string): Platform {
  const p = OCI_OF_DEBIAN[debianArch] ?? { architecture: debianArch };
  return { os: 'linux', architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) };
}

/** "linux/arm64/v8". */
/** The ELF machine name (as the ELF reader names e_machine) of a Debian architecture's programs. */
const ELF_MACHINE_OF_DEBIAN: Record<string, string> = {
  amd64: 'x86_64', arm64: 'aarch64', armhf: 'arm', armel: 'arm', i386: 'i386', ppc64el: 'ppc64', s390x: 's390x', riscv64: 'riscv',
};

export function elfMachine(debianArch: string): string | undefined {
  return ELF_MACHINE_OF_DEBIAN[debianArch];
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/');
}

/** True when an index entry's platform is the one of `debianArch` (a missing variant on either side matches). */
export function platformMatches(p: Platform | undefined, debianArch: string): boolean {
  if (!p) return false;
  const want = ociPlatform(debianArch);
  return p.os === want.os && p.architecture === want.architecture && (!p.variant || !want.variant || p.variant === want.variant);
}

/** The Debian architecture an index entry's platform is for, or undefined (another OS, or an unknown one). */
export function debianArchOf(p: Platform | undefined): string | undefined {
  if (!p || p.os !== 'linux') return undefined;
  const hits = Object.keys(OCI_OF_DEBIAN).filter((a) => platformMatches(p, a));
  // arm without a variant: armhf (v7) is the one Debian and Docker mean by default.
  return hits.length === 1 ? hits[0] : hits.includes('armhf') ? 'armhf' : undefined;
}

/**
 * One `--platform` word as a Debian architecture: `linux/arm64`, `linux/arm64/v8`, `arm64` (Debian's own names are
 * accepted too: `linux/ppc64el`). `where` names the option in errors.
 */
export function parsePlatform(word: string, where = '--platform'): string {
  const parts = word.trim().split('/');
  const [os, arch, variant] = parts.length === 1 ? ['linux', parts[0], undefined] : parts;
  const known = Object.keys(OCI_OF_DEBIAN).map((a) => formatPlatform(ociPlatform(a))).join(', ');
  if (parts.length > 3 || !arch || os !== 'linux') {
    throw new AirlockError('usage', 'bad-platform', `${where}: "${word}" is not a Linux platform`, { hint: `give OS/ARCH[/VARIANT], e.g. ${known}` });
  }
  if (OCI_OF_DEBIAN[arch] && !variant) return arch; // a Debian name (amd64, arm64, armhf, …)
  const deb = debianArchOf({ os, architecture: arch, ...(variant ? { variant } : {}) });
  if (!deb || (variant && ociPlatform(deb).variant !== variant)) {
    throw new AirlockError('usage', 'bad-platform', `${where}: unknown platform "${word}"`, { hint: `airlock builds for ${known}` });
  }
  return deb;
}

/** A comma-separated `--platform` list as Debian architectures, in the order given, without repeats. */
export function parsePlatformList(list: string, where = '--platform'): string[] {
  const archs = list.split(',').filter((w) => w.trim() !== '').map((w) => parsePlatform(w, where));
  if (!archs.length) throw new AirlockError('usage', 'bad-platform', `${where}: no platform given`, { hint: 'e.g. --platform linux/amd64,linux/arm64' });
  return [...new Set(archs)];
}

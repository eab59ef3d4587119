// Finds shells, compilers and package managers in a file list by name (the gates also check by ELF identity).

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish', 'busybox', 'rbash', 'yash']);
const COMPILERS = /^(javac|jar|jlink|c\+\+|c89|c99|gcc|g\+\+|cpp|clang|clang\+\+|as|ld|ld\.bfd|ld\.gold|gold|make|gmake|cmake|ninja|go|gofmt|rustc|cargo|javac|tcc|(x86_64|aarch64|i686)-linux-gnu-(gcc|g\+\+|cpp|as|ld|ld\.bfd|ld\.gold)(-\d+)?|(gcc|g\+\+|cpp|cc1|cc1plus|clang)-\d+(\.\d+)?|cc1|cc1plus|collect2|lto1)$/;
const PACKAGE_MANAGERS = new Set(['apt', 'apt-get', 'apt-cache', 'aptitude', 'dpkg', 'dpkg-deb', 'dpkg-query', 'pip', 'pip3', 'npm', 'npx', 'yarn', 'pnpm', 'gem', 'apk', 'yum', 'dnf', 'rpm', 'microdnf', 'zypper', 'conda', 'cargo']);
const EXEC_DIR = /^(usr\/)?(local\/)?(s?bin|libexec|lib\/gcc\/[^/]+\/\d+|libexec\/gcc\/[^/]+\/\d+|lib\/go(-[\d.]+)?\/bin|lib\/jvm\/[^/]+\/bin)\//;

export interface Inventory {
  shells: string[];
  compilers: string[];
  packageManagers: string[];
}

/** Classifies paths of an image (relative, no leading '/') that are in executable directories. */
export function inventory(paths: Iterable<string>): Inventory {
  const inv: Inventory = { shells: [], compilers: [], packageManagers: [] };
  for (const p of paths) {
    if (!EXEC_DIR.test(p)) continue;
    const base = p.slice(p.lastIndexOf('/') + 1);
    if (SHELLS.has(base)) inv.shells.push(`/${p}`);
    if (COMPILERS.test(base)) inv.compilers.push(`/${p}`);
    if (PACKAGE_MANAGERS.has(base)) inv.packageManagers.push(`/${p}`);
  }
  for (const k of Object.keys(inv) as (keyof Inventory)[]) inv[k].sort();
  return inv;
}

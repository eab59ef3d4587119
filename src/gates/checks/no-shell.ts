// no-shell: no shell by name, and no ELF file that is a shell by content (a renamed busybox/dash/bash is caught).
import { isElf } from '../elf.js';
import type { Check, Finding } from '../types.js';
import { shellFamily, SHELL_SCAN_BYTES } from './shell-identity.js';
import { executablesNamed, isNamed, SHELLS } from './tool-names.js';

const SHELL_SET: ReadonlySet<string> = new Set(SHELLS);

/** Flags shells found by name or by content markers. */
export const noShell: Check = {
  id: 'no-shell',
  severity: 'error',
  profiles: ['prod'],
  description: 'no shell (sh, bash, dash, ash, busybox, zsh, …) by name, nor an ELF file that is a shell by its content markers',
  scanSettings: () => null,
  scanner: () => ({
    wants: (e) => ((e.mode & 0o111) !== 0 && e.size >= 64 ? SHELL_SCAN_BYTES : 0),
    inspect(e, bytes, meta) {
      // Files already named like a shell are reported by name (run); content catches the renamed ones.
      if (meta.hidden || !isElf(bytes) || isNamed(e.path.slice(e.path.lastIndexOf('/') + 1), SHELL_SET)) return [];
      const family = shellFamily(bytes);
      if (!family) return [];
      return [{ id: 'no-shell', severity: 'error', path: e.path, layer: e.layer, message: `/${e.path} is a ${family} shell binary (identified by content)` }];
    },
  }),
  run(fs) {
    const out: Finding[] = [];
    for (const { entry, name, via } of executablesNamed(fs, SHELLS)) {
      out.push({ id: 'no-shell', severity: 'error', path: entry.path, layer: entry.layer, message: `shell '${name}' at /${entry.path}${via ? ` (-> /${via})` : ''}` });
    }
    return out;
  },
};

// Recognises shells by content, so a renamed shell is still caught: marker strings every build of that shell carries.
//
// Method: each family lists byte strings that its interpreter source always compiles in (version
// variables, fixed diagnostics); a file is that shell when ALL of a family's markers occur in its
// first `SHELL_SCAN_BYTES` bytes. Markers were picked from the Debian 12 binaries of bash, dash,
// busybox, zsh, mksh, yash and fish (toybox from its sources, unverified), and checked not to match
// any other ELF file of /usr/bin and /usr/sbin (Go CLIs embed bash/zsh completion scripts, so
// 'BASH_VERSINFO' or 'ZSH_VERSION' alone are not enough): test/integration/gates-shell-identity.test.ts.

/** Bytes of an executable searched for shell markers. */
export const SHELL_SCAN_BYTES = 16 * 1024 * 1024;

/** Marker strings per shell family; all must be present. */
export const SHELL_MARKERS: Readonly<Record<string, readonly string[]>> = {
  bash: ['BASH_VERSINFO', 'GNU bash, version'],
  dash: ['sh: turning off NDELAY mode', 'Maximum function recursion depth'],
  busybox: ['BusyBox v', 'multi-call binary'],
  toybox: ['Toybox', 'toybox'],
  zsh: ['ZSH_PATCHLEVEL', 'zsh_eval_context'],
  mksh: ['KSH_VERSION', '@(#)MIRBSD KSH'],
  yash: ['Yet another shell, version', 'YASH_LOADPATH'],
  fish: ['fish-shell/fish-shell', 'prevent fish from working'],
};

const encoded = Object.entries(SHELL_MARKERS).map(([family, ms]) => [family, ms.map((m) => Buffer.from(m, 'latin1'))] as const);

/** The shell family whose markers all occur in `bytes`, or undefined. */
export function shellFamily(bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const [family, markers] of encoded) {
    if (markers.every((m) => b.indexOf(m) >= 0)) return family;
  }
  return undefined;
}

// The content markers of shell-identity.ts find exactly the shells among all ELF files of /usr/bin and /usr/sbin
// of this machine (no false positives from Go CLIs that embed bash/zsh completion scripts, etc.).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { shellFamily, SHELL_SCAN_BYTES } from '../../src/gates/checks/shell-identity.js';

const EXPECTED: Record<string, string> = { bash: 'bash', rbash: 'bash', dash: 'dash', sh: 'dash', busybox: 'busybox' };

it('identifies the shells of /usr/bin and /usr/sbin and nothing else', () => {
  assert.ok(existsSync('/usr/bin/busybox'), 'the Debian package busybox-static must be installed (scripts/setup.sh)');
  const found: Record<string, string> = {};
  let scanned = 0;
  for (const d of ['/usr/bin', '/usr/sbin']) {
    for (const n of readdirSync(d).sort()) {
      let fd: number;
      try { fd = openSync(join(d, n), 'r'); } catch { continue; }
      try {
        const st = fstatSync(fd);
        if (!st.isFile() || st.size < 64) continue;
        const b = Buffer.alloc(Math.min(st.size, SHELL_SCAN_BYTES));
        readSync(fd, b, 0, b.length, 0);
        if (b.toString('latin1', 0, 4) !== '\x7fELF') continue;
        scanned++;
        const f = shellFamily(b);
        if (f) found[n] = f;
      } finally { closeSync(fd); }
    }
  }
  console.log(`# scanned ${scanned} ELF files; shells: ${JSON.stringify(found)}`);
  assert.ok(scanned > 300);
  for (const [name, family] of Object.entries(found)) assert.equal(EXPECTED[name], family, `${name} identified as ${family}`);
  for (const name of ['bash', 'dash', 'busybox']) assert.equal(found[name], EXPECTED[name], `${name} is found`);
});

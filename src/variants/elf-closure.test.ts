import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { elfClosure, type ElfLinkInfo } from './elf-closure.js';
import type { HandoffFile } from './artifacts.js';

// Fake ELF files: the content names what the file needs ("needs:a,b"); the rootfs has no libraries at all.
const deps = {
  parseElf: (b: Uint8Array): ElfLinkInfo => ({ needed: new TextDecoder().decode(b).replace('needs:', '').split(',').filter(Boolean), machineName: 'x86_64' }),
  owner: async () => undefined,
};

test('a library the project built is found through its soname symlink among the artifacts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-closure-'));
  try {
    writeFileSync(join(dir, 'app'), 'needs:libserd-0.so.0');
    writeFileSync(join(dir, 'lib'), 'needs:');
    const lib = 'usr/lib/x86_64-linux-gnu';
    const files: HandoffFile[] = [
      { hostPath: join(dir, 'app'), path: 'usr/bin/serdi', type: 'file', mode: 0o755 },
      { hostPath: join(dir, 'lib'), path: `${lib}/libserd-0.so.0.30.16`, type: 'file', mode: 0o644 },
      { hostPath: '', path: `${lib}/libserd-0.so.0`, type: 'symlink', mode: 0o777, linkname: 'libserd-0.so.0.30.16' },
    ];
    const r = await elfClosure(files, join(dir, 'empty-rootfs'), 'amd64', deps);
    assert.deepEqual(r.links, [{ artifact: '/usr/bin/serdi', by: '/usr/bin/serdi', library: 'libserd-0.so.0', foundAt: `/${lib}/libserd-0.so.0.30.16`, package: undefined }]);
    assert.deepEqual(r.elfArtifacts, ['usr/bin/serdi', `${lib}/libserd-0.so.0.30.16`], 'the link itself is not an ELF file to strip');
    assert.deepEqual(r.packages, []);
    // An artifact check sees each ELF artifact once, before its libraries are looked for, and may refuse it.
    const seen: string[] = [];
    await elfClosure(files, join(dir, 'empty-rootfs'), 'amd64', { ...deps, artifact: (p, info) => { seen.push(`${p} ${info.machineName}`); } });
    assert.deepEqual(seen, ['/usr/bin/serdi x86_64', `/${lib}/libserd-0.so.0.30.16 x86_64`]);
    await assert.rejects(elfClosure(files.slice(0, 1), join(dir, 'empty-rootfs'), 'amd64', { ...deps, artifact: (p) => { throw new Error(`refused ${p}`); } }),
      /refused \/usr\/bin\/serdi/, 'refused before its missing library is reported');
    // Without the link, the library is missing.
    await assert.rejects(elfClosure(files.slice(0, 2), join(dir, 'empty-rootfs'), 'amd64', deps),
      (e: unknown) => e instanceof AirlockError && e.code === 'library-missing');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

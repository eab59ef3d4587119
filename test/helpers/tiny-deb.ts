// A small real .deb made with dpkg-deb, for tests of code that reads packages (control fields, data tar).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Builds `<dir>/<name>.deb` with `control` (field → value; Maintainer and Description added) and `files`. */
export function tinyDeb(dir: string, name: string, control: Record<string, string>, files: Record<string, string> = {}) {
  const root = join(dir, `${name}.root`);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  const fields = { Maintainer: 't <t@example.org>', Description: 'test package', ...control };
  writeFileSync(join(root, 'DEBIAN', 'control'), Object.entries(fields).map(([k, v]) => `${k}: ${v}\n`).join(''));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  const path = join(dir, `${name}.deb`);
  const r = spawnSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dpkg-deb --build failed: ${r.stderr}`);
  const bytes = readFileSync(path);
  return { path, bytes, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

// Reads a .deb through dpkg-deb: its control stanza and its data tar as in-memory entries (no maintainer scripts run).
import { spawn } from 'node:child_process';
import tar from 'tar-stream';
import { AirlockError } from '../errors.js';
import { parseDeb822, type Stanza } from './deb822.js';
import { exec } from './exec.js';

/** One member of a package's data tar; `data` holds a regular file's bytes. */
export interface DebMember {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode: number;
  uid: number;
  gid: number;
  linkname?: string;
  data?: Buffer;
}

/** Normalizes a tar member name ("./usr/bin/" → "usr/bin"); "" for the root. */
export function normalizeMemberPath(name: string): string {
  return name.replace(/^\.?\/+/, '').replace(/^\.$/, '').replace(/\/+$/, '');
}

/** The control stanza of a .deb (`dpkg-deb -f`). */
export async function readControl(deb: string): Promise<Stanza> {
  const r = await exec('dpkg-deb', ['-f', deb]);
  if (r.code !== 0) throw new AirlockError('packages', 'bad-deb', `cannot read the control data of ${deb}: ${r.stderr.trim()}`);
  return parseDeb822(r.stdout, `control data of ${deb}`)[0] ?? {};
}

/** All members of the data tar of a .deb (`dpkg-deb --fsys-tarfile`), in archive order. */
export async function readDataTar(deb: string): Promise<DebMember[]> {
  const child = spawn('dpkg-deb', ['--fsys-tarfile', deb], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number>((res) => child.on('close', (c) => res(c ?? 1)));
  const extract = tar.extract();
  child.stdout.pipe(extract);
  const out: DebMember[] = [];
  for await (const entry of extract) {
    const h = entry.header;
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    const path = normalizeMemberPath(h.name);
    if (path === '') continue;
    const base = { path, mode: (h.mode ?? 0) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0 };
    if (h.type === 'directory') out.push({ ...base, type: 'dir' });
    else if (h.type === 'symlink') out.push({ ...base, type: 'symlink', linkname: h.linkname ?? '' });
    else if (h.type === 'link') out.push({ ...base, type: 'hardlink', linkname: normalizeMemberPath(h.linkname ?? '') });
    else if (h.type === 'file' || h.type === 'contiguous-file') out.push({ ...base, type: 'file', data: Buffer.concat(chunks) });
  }
  const code = await exited;
  if (code !== 0) throw new AirlockError('packages', 'bad-deb', `cannot read the files of ${deb}: ${stderr.trim()}`, { hint: 'the cached .deb may be damaged; it is re-verified and re-fetched on the next run' });
  return out;
}

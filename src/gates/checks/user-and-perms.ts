// non-root-user, no-setuid, no-world-writable: who the container runs as and what it may change.
import type { Check, Finding } from '../types.js';

/** Parses /etc/passwd text into uid → home. */
export function passwdHomes(text: string | undefined): Map<number, { name: string; home: string }> {
  const out = new Map<number, { name: string; home: string }>();
  for (const line of (text ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || !/^\d+$/.test(f[2]!)) continue;
    if (!out.has(Number(f[2]))) out.set(Number(f[2]), { name: f[0]!, home: f[5]! });
  }
  return out;
}

/** Requires a numeric, non-zero config User, and a home directory owned by that uid. */
export const nonRootUser: Check = {
  id: 'non-root-user',
  severity: 'error',
  profiles: ['prod'],
  description: "config User is numeric and not 0 (uid[:gid]); the user's home directory from /etc/passwd, when present in the image, is owned by that uid",
  reads: ['etc/passwd'],
  run(fs, ctx) {
    const f = (message: string, path?: string, layer?: number): Finding => ({ id: 'non-root-user', severity: 'error', message, ...(path ? { path } : {}), ...(layer !== undefined ? { layer } : {}) });
    const user = fs.config.user;
    if (!user) return [f('the image runs as root: config User is not set')];
    const m = /^(\d+)(?::(\d+))?$/.exec(user);
    if (!m) return [f(`config User "${user}" is not numeric (use uid[:gid] so runtimes can verify non-root)`)];
    const uid = Number(m[1]);
    if (uid === 0) return [f(`config User "${user}" is root (uid 0)`)];
    const home = passwdHomes(ctx.files.get('etc/passwd')).get(uid)?.home;
    if (!home || home === '/' || home === '/nonexistent') return [];
    const e = fs.resolve(home).entry;
    if (e && e.type === 'dir' && e.uid !== uid) return [f(`home directory ${home} of uid ${uid} is owned by uid ${e.uid}`, e.path, e.layer)];
    return [];
  },
};

/** No setuid or setgid files. */
export const noSetuid: Check = {
  id: 'no-setuid',
  severity: 'error',
  profiles: ['prod'],
  description: 'no setuid or setgid files',
  run(fs) {
    return fs.entries
      .filter((e) => (e.type === 'file' || e.type === 'hardlink') && (e.mode & 0o6000) !== 0)
      .map((e) => ({ id: 'no-setuid', severity: 'error', path: e.path, layer: e.layer, message: `/${e.path} is ${(e.mode & 0o4000) ? 'setuid' : 'setgid'} (mode ${(e.mode & 0o7777).toString(8).padStart(4, '0')})` }));
  },
};

const parent = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/** No world-writable files or directories, except sticky directories (like /tmp) and what lies directly in them. */
export const noWorldWritable: Check = {
  id: 'no-world-writable',
  severity: 'error',
  profiles: ['prod', 'test'],
  description: 'no world-writable files or directories outside sticky (/tmp-like, mode 1777) directories',
  run(fs) {
    const out: Finding[] = [];
    for (const e of fs.entries) {
      if (e.type === 'symlink' || (e.mode & 0o002) === 0) continue;
      if (e.type === 'dir' && (e.mode & 0o1000) !== 0) continue;
      const p = fs.get(parent(e.path));
      if (p && p.type === 'dir' && (p.mode & 0o1000) !== 0) continue;
      out.push({ id: 'no-world-writable', severity: 'error', path: e.path, layer: e.layer, message: `/${e.path} is world-writable (mode ${(e.mode & 0o7777).toString(8).padStart(4, '0')})` });
    }
    return out;
  },
};

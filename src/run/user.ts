// The uid and gid an image's User names, read against the image's own /etc/passwd and /etc/group (pure).
import { AirlockError } from '../errors.js';

export interface RunUser {
  uid: number;
  gid: number;
}

function lookup(text: string, name: string, field: number): number | undefined {
  for (const line of text.split('\n')) {
    const parts = line.split(':');
    if (parts[0] === name && parts[field] !== undefined && /^\d+$/.test(parts[field]!)) return Number(parts[field]);
  }
  return undefined;
}

/** `user[:group]` (names or numbers; empty is root) as numbers; a name the image does not know is an error. */
export function resolveUser(spec: string | undefined, passwd: string, group: string): RunUser {
  const [user = '', grp] = (spec ?? '').split(':');
  const unknown = (what: string, name: string) =>
    new AirlockError(
      'usage',
      'unknown-user',
      `the image's User names ${what} '${name}', which its /etc/${what === 'user' ? 'passwd' : 'group'} lacks`,
      {
        hint: 'use numeric ids in runtime.user ("65532:65532")',
      },
    );
  let uid = 0;
  let gid: number | undefined;
  if (/^\d+$/.test(user)) uid = Number(user);
  else if (user !== '') {
    const u = lookup(passwd, user, 2);
    if (u === undefined) throw unknown('user', user);
    uid = u;
    gid = lookup(passwd, user, 3);
  }
  if (grp !== undefined && grp !== '') {
    if (/^\d+$/.test(grp)) gid = Number(grp);
    else {
      const g = lookup(group, grp, 2);
      if (g === undefined) throw unknown('group', grp);
      gid = g;
    }
  }
  if (gid === undefined) {
    const line = passwd
      .split('\n')
      .map((l) => l.split(':'))
      .find((p) => p[2] === String(uid) && /^\d+$/.test(p[3] ?? ''));
    gid = line ? Number(line[3]) : uid;
  }
  return { uid, gid };
}

// The small files every prod image needs besides packages: users, home and /tmp.
import type { FileEntry } from '../image/entry.js';

export const NONROOT = 65532;

const bytes = (s: string | Uint8Array) => (typeof s === 'string' ? new TextEncoder().encode(s) : s);

/** A file entry with in-memory content. */
export function textFile(path: string, content: string | Uint8Array, mode = 0o644, uid = 0, gid = 0): FileEntry {
  const b = bytes(content);
  return { path, type: 'file', mode, uid, gid, size: b.length, open: async function* () { yield b; } };
}

export function dir(path: string, mode = 0o755, uid = 0, gid = 0): FileEntry {
  return { path, type: 'dir', mode, uid, gid, size: 0 };
}

/** /etc/passwd, /etc/group, /etc/hosts, /etc/nsswitch.conf, /home/nonroot (65532) and /tmp (1777), as distroless images have them. */
export function prodBaseEntries(): FileEntry[] {
  return [
    textFile('etc/passwd', `root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:${NONROOT}:${NONROOT}:nonroot:/home/nonroot:/sbin/nologin\n`),
    textFile('etc/group', `root:x:0:\nnobody:x:65534:\nnonroot:x:${NONROOT}:\n`),
    // localhost resolves through NSS's files module without a runtime mounting its own hosts file (runc does not).
    textFile('etc/hosts', '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'),
    textFile('etc/nsswitch.conf', 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n'),
    dir('etc'),
    dir('home'),
    dir('home/nonroot', 0o700, NONROOT, NONROOT),
    dir('root', 0o700),
    dir('tmp', 0o1777),
  ];
}

/** The dev user (uid 1000) appended to the builder's passwd and group files. */
export function devUserFiles(passwd: string, group: string): FileEntry[] {
  const nl = (s: string) => (s.endsWith('\n') || s === '' ? s : `${s}\n`);
  const hasUser = passwd.split('\n').some((l) => l.startsWith('dev:'));
  const hasGroup = group.split('\n').some((l) => l.startsWith('dev:'));
  return [
    textFile('etc/passwd', hasUser ? passwd : `${nl(passwd)}dev:x:1000:1000:airlock dev user:/home/dev:/bin/bash\n`),
    textFile('etc/group', hasGroup ? group : `${nl(group)}dev:x:1000:\n`),
    dir('home/dev', 0o755, 1000, 1000),
  ];
}

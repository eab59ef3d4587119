// Reads a .deb through dpkg-deb: its control stanza and its data tar as in-memory entries (no maintainer scripts run).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { availableParallelism } from 'node:os';
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

/** The control stanza of a .deb (`dpkg-deb -f`, through the shared control reader). */
export async function readControl(deb: string): Promise<Stanza> {
  const fast = deb.includes('\n') ? undefined : await controlReader().read(deb).catch(() => undefined);
  // A package the reader could not read is read on its own, for dpkg-deb's own message.
  const r = fast?.code === 0 ? fast : await exec('dpkg-deb', ['-f', deb]);
  if (r.code !== 0) throw new AirlockError('packages', 'bad-deb', `cannot read the control data of ${deb}: ${r.stderr.trim()}`);
  return parseDeb822(r.stdout, `control data of ${deb}`)[0] ?? {};
}

// A few shells (one per core, at most 4) each run `dpkg-deb -f` for every path written to them, answering with the
// output, then RS (0x1e) and the exit code on a line. A spawn from node costs 10-15 ms of the main thread here, and a
// cold build reads hundreds of packages; a fork from a small shell costs far less, and node goes on meanwhile.
const CONTROL_LOOP = 'while IFS= read -r f; do dpkg-deb -f "$f" 2>/dev/null; printf \'\\n\\036%d\\n\' "$?"; done';
const controlReaders: ControlReader[] = [];

/** The control reader with the fewest reads waiting (a new one while there are fewer than the cores, up to 4). */
function controlReader(): ControlReader {
  const idle = controlReaders.find((r) => r.waiting.length === 0);
  if (idle) return idle;
  if (controlReaders.length < Math.min(4, availableParallelism())) {
    const r = new ControlReader(() => {
      const at = controlReaders.indexOf(r);
      if (at >= 0) controlReaders.splice(at, 1);
    });
    controlReaders.push(r);
    return r;
  }
  return controlReaders.reduce((a, b) => (b.waiting.length < a.waiting.length ? b : a));
}

/** The control reader's process: answers come in the order the paths went in; it keeps node alive only while asked. */
class ControlReader {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  readonly waiting: { resolve: (r: { code: number; stdout: string; stderr: string }) => void; reject: (e: Error) => void }[] = [];
  private text = '';

  constructor(onGone: () => void) {
    this.child = spawn('sh', ['-c', CONTROL_LOOP], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (s: string) => this.answer(s));
    let ended = false;
    const gone = (e: Error) => {
      if (!ended) onGone();
      ended = true;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    this.child.on('error', gone);
    this.child.on('close', () => gone(new Error('the control reader ended')));
    this.child.stdin.on('error', () => { /* the reader died: 'close' rejects what waits */ });
    this.hold(false);
  }

  read(deb: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.hold(true);
      this.child.stdin.write(`${deb}\n`);
    });
  }

  private answer(chunk: string): void {
    this.text += chunk;
    for (let end = this.text.indexOf('\n\x1e'); end >= 0; end = this.text.indexOf('\n\x1e')) {
      const eol = this.text.indexOf('\n', end + 2);
      if (eol < 0) return;
      const code = Number(this.text.slice(end + 2, eol));
      const stdout = this.text.slice(0, end + 1);
      this.text = this.text.slice(eol + 1);
      this.waiting.shift()?.resolve({ code: Number.isInteger(code) ? code : 1, stdout, stderr: '' });
    }
    this.hold(this.waiting.length > 0);
  }

  /** Keeps node running while an answer is awaited, and lets it exit (the shell ends with its input) when none is. */
  private hold(on: boolean): void {
    for (const h of [this.child, this.child.stdin, this.child.stdout] as { ref(): void; unref(): void }[]) {
      if (on) h.ref(); else h.unref();
    }
  }
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

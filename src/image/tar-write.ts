// Deterministic ustar writer: planned entries → tar byte stream (mtime = epoch, PAX only when needed).
import { AirlockError } from '../errors.js';
import type { FileEntry } from './entry.js';
import { BLOCK, MAX_OCTAL_11, MAX_OCTAL_7, encodeHeader, encodePax, type HeaderFields } from './tar-header.js';
import { planTar, type PlanOptions, type TarPlan } from './tar-plan.js';

/** User and group names written for well-known ids; other ids get an empty name. */
export function ownerName(id: number): string {
  return id === 0 ? 'root' : id === 65532 ? 'nonroot' : '';
}

const TYPEFLAG = { file: '0', hardlink: '1', symlink: '2', dir: '5' } as const;
const enc = new TextEncoder();
const blen = (s: string) => enc.encode(s).length;

function asciiTail(s: string, max: number): string {
  const a = s.replace(/[^\x20-\x7e]/g, '_');
  return a.length > max ? a.slice(a.length - max) : a;
}

/** Splits a name into ustar name/prefix, or returns undefined when a PAX path is needed. */
function splitName(full: string): { name: string; prefix: string } | undefined {
  if (blen(full) <= 100) return { name: full, prefix: '' };
  for (let i = full.lastIndexOf('/', full.length - 2); i > 0; i = full.lastIndexOf('/', i - 1)) {
    const prefix = full.slice(0, i);
    const name = full.slice(i + 1);
    if (blen(name) > 100) return undefined;
    if (blen(prefix) <= 155) return { name, prefix };
  }
  return undefined;
}

/** Header blocks (PAX + ustar) for one entry. */
export function entryHeaders(e: FileEntry, epoch: number): Uint8Array[] {
  const full = e.type === 'dir' ? `${e.path}/` : e.path;
  const pax: [string, string][] = [];
  const h: HeaderFields = {
    name: full, mode: e.mode, uid: e.uid, gid: e.gid, size: e.type === 'file' ? e.size : 0, mtime: epoch,
    typeflag: TYPEFLAG[e.type], linkname: e.linkname ?? '', uname: ownerName(e.uid), gname: ownerName(e.gid),
  };
  if (e.gid > MAX_OCTAL_7) { pax.push(['gid', String(e.gid)]); h.gid = 0; }
  if (blen(h.linkname!) > 100) { pax.push(['linkpath', h.linkname!]); h.linkname = asciiTail(h.linkname!, 100); }
  const split = splitName(full);
  if (split) { h.name = split.name; h.prefix = split.prefix; }
  else { pax.push(['path', full]); h.name = asciiTail(full, 100); }
  if (h.size > MAX_OCTAL_11) { pax.push(['size', String(h.size)]); h.size = 0; }
  if (e.uid > MAX_OCTAL_7) { pax.push(['uid', String(e.uid)]); h.uid = 0; }
  if (pax.length === 0) return [encodeHeader(h)];
  const body = encodePax(pax);
  const ph = encodeHeader({ name: 'PaxHeader', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: epoch, typeflag: 'x' });
  const padded = new Uint8Array(Math.ceil(body.length / BLOCK) * BLOCK);
  padded.set(body);
  return [ph, padded, encodeHeader(h)];
}

function checkEpoch(epoch: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch > MAX_OCTAL_11) {
    throw new AirlockError('usage', 'bad-epoch', `epoch ${epoch} is not a valid timestamp in seconds`, { hint: 'set SOURCE_DATE_EPOCH to a non-negative integer' });
  }
}

/**
 * A planned tar as the parts of the bytes `tarStream` gives: header and padding bytes, and each non-empty file's
 * content as what `content` says it is (a writer then copies it from where it lies).
 */
export function tarSegments<T>(plan: TarPlan, epoch: number, content: (e: FileEntry) => T): ({ bytes: Uint8Array } | T)[] {
  checkEpoch(epoch);
  const out: ({ bytes: Uint8Array } | T)[] = [];
  let pending: Uint8Array[] = [];
  const flush = () => { if (pending.length) out.push({ bytes: Buffer.concat(pending) }); pending = []; };
  for (const e of plan.entries) {
    pending.push(...entryHeaders(e, epoch));
    if (e.type === 'file' && e.size > 0) {
      flush();
      out.push(content(e));
      const pad = (BLOCK - (e.size % BLOCK)) % BLOCK;
      if (pad) pending.push(new Uint8Array(pad));
    }
  }
  pending.push(new Uint8Array(2 * BLOCK));
  flush();
  return out;
}

/** Streams a planned tar: headers batched, file contents checked against their declared sizes. */
export async function* tarStream(plan: TarPlan, epoch: number): AsyncGenerator<Uint8Array> {
  checkEpoch(epoch);
  let pending: Uint8Array[] = [];
  let pendingLen = 0;
  const flush = function* () {
    if (pendingLen) yield Buffer.concat(pending, pendingLen);
    pending = [];
    pendingLen = 0;
  };
  for (const e of plan.entries) {
    for (const b of entryHeaders(e, epoch)) { pending.push(b); pendingLen += b.length; }
    if (e.type === 'file' && e.size > 0) {
      yield* flush();
      let n = 0;
      for await (const chunk of e.open!()) {
        n += chunk.length;
        if (n > e.size) break;
        yield chunk;
      }
      if (n !== e.size) {
        throw new AirlockError('image', 'size-mismatch', `"${e.path}" gave ${n > e.size ? 'more than' : n} bytes, expected ${e.size}`, {
          hint: 'the file changed while the layer was written; rebuild',
        });
      }
      const pad = (BLOCK - (e.size % BLOCK)) % BLOCK;
      if (pad) { pending.push(new Uint8Array(pad)); pendingLen += pad; }
    }
    if (pendingLen >= 65536) yield* flush();
  }
  pending.push(new Uint8Array(2 * BLOCK));
  pendingLen += 2 * BLOCK;
  yield* flush();
}

/** Plans and writes entries as a deterministic tar stream; `special` lists setuid/setgid files. */
export function writeTar(entries: readonly FileEntry[], epoch: number, opts: PlanOptions = {}): { stream: AsyncGenerator<Uint8Array>; special: string[]; entries: FileEntry[] } {
  const plan = planTar(entries, opts);
  return { stream: tarStream(plan, epoch), special: plan.special, entries: plan.entries };
}

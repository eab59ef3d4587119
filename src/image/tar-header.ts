// ustar/PAX header encoding and decoding (512-byte blocks), shared by the tar writer and reader.
import { AirlockError } from '../errors.js';

/** Size of a tar block. */
export const BLOCK = 512;
/** Largest size/number a ustar numeric field of 12 bytes (11 octal digits) holds. */
export const MAX_OCTAL_11 = 0o77777777777;
/** Largest uid/gid a 8-byte field (7 octal digits) holds. */
export const MAX_OCTAL_7 = 0o7777777;

/** Fields of one header block as written or read. */
export interface HeaderFields {
  name: string;
  prefix?: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname?: string;
  uname?: string;
  gname?: string;
}

const enc = new TextEncoder();

function putString(buf: Uint8Array, off: number, len: number, s: string): void {
  const b = enc.encode(s);
  if (b.length > len) {
    const shown = s.slice(0, 100);
    throw new AirlockError('image', 'tar-field-too-long', `tar header field too long (${b.length} > ${len} bytes): ${shown}`, {
      hint: 'long names and links go in PAX records; this value does not fit the ustar field it was written to',
    });
  }
  buf.set(b, off);
}

function putOctal(buf: Uint8Array, off: number, len: number, n: number): void {
  putString(buf, off, len, n.toString(8).padStart(len - 1, '0') + '\0');
}

/** Encodes one ustar header block with its checksum. */
export function encodeHeader(h: HeaderFields): Uint8Array {
  const b = new Uint8Array(BLOCK);
  putString(b, 0, 100, h.name);
  putOctal(b, 100, 8, h.mode);
  putOctal(b, 108, 8, h.uid);
  putOctal(b, 116, 8, h.gid);
  putOctal(b, 124, 12, h.size);
  putOctal(b, 136, 12, h.mtime);
  b.fill(0x20, 148, 156);
  putString(b, 156, 1, h.typeflag);
  putString(b, 157, 100, h.linkname ?? '');
  putString(b, 257, 8, 'ustar\x0000');
  putString(b, 265, 32, h.uname ?? '');
  putString(b, 297, 32, h.gname ?? '');
  putOctal(b, 329, 8, 0);
  putOctal(b, 337, 8, 0);
  putString(b, 345, 155, h.prefix ?? '');
  let sum = 0;
  for (const x of b) sum += x;
  putString(b, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return b;
}

/** Encodes PAX records ("%d key=value\n", length includes itself), keys in the given order. */
export function encodePax(records: [string, string][]): Uint8Array {
  let out = '';
  for (const [k, v] of records) {
    const body = ` ${k}=${v}\n`;
    const bodyLen = enc.encode(body).length;
    let len = bodyLen + String(bodyLen).length;
    if (String(len).length !== String(bodyLen).length) len = bodyLen + String(len).length;
    out += `${len}${body}`;
  }
  return enc.encode(out);
}

const badTar = (msg: string) =>
  new AirlockError('image', 'bad-tar', msg, { hint: 'the archive is not a valid tar archive' });

/** Decodes PAX records into a map; throws a `bad-tar` AirlockError on malformed input. */
export function decodePax(bytes: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  const dec = new TextDecoder();
  while (i < bytes.length) {
    if (bytes[i] === 0) break;
    let sp = i;
    while (sp < bytes.length && bytes[sp] !== 0x20) sp++;
    const len = Number.parseInt(dec.decode(bytes.subarray(i, sp)), 10);
    const fits = Number.isSafeInteger(len) && len > sp - i && i + len <= bytes.length;
    if (!fits) throw badTar(`malformed PAX record at byte ${i}`);
    const rec = dec.decode(bytes.subarray(sp + 1, i + len - 1));
    const eq = rec.indexOf('=');
    if (eq < 0) throw badTar(`malformed PAX record at byte ${i} (no "=")`);
    out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

function readString(b: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return new TextDecoder().decode(b.subarray(off, end));
}

function readNumber(b: Uint8Array, off: number, len: number): number {
  if ((b[off]! & 0x80) !== 0) {
    // GNU base-256 encoding.
    let n = b[off]! & 0x7f;
    for (let i = off + 1; i < off + len; i++) n = n * 256 + b[i]!;
    return n;
  }
  const s = readString(b, off, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw badTar(`bad octal number ${JSON.stringify(s)} at header byte ${off}`);
  return Number.parseInt(s, 8);
}

/** Decodes a header block; undefined for an all-zero block; a bad checksum is a `bad-tar` AirlockError. */
export function decodeHeader(b: Uint8Array): HeaderFields | undefined {
  if (b.every((x) => x === 0)) return undefined;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i]!;
  if (readNumber(b, 148, 8) !== sum) throw badTar('tar header checksum mismatch');
  const magic = readString(b, 257, 6);
  return {
    name: readString(b, 0, 100),
    prefix: magic === 'ustar' ? readString(b, 345, 155) : '',
    mode: readNumber(b, 100, 8),
    uid: readNumber(b, 108, 8),
    gid: readNumber(b, 116, 8),
    size: readNumber(b, 124, 12),
    mtime: readNumber(b, 136, 12),
    typeflag: String.fromCharCode(b[156] || 0x30),
    linkname: readString(b, 157, 100),
    uname: readString(b, 265, 32),
    gname: readString(b, 297, 32),
  };
}

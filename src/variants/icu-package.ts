// ICU common data packages (.dat, "CmnD"): what libicudata.so exports as icudtNN_dat. Read into named items, and
// written back with fewer of them the way icupkg writes a package. Pure: bytes in, bytes out.
import { AirlockError } from '../errors.js';

/** One item of a package: its name without the package prefix ("coll/root.res") and its bytes (header included). */
export interface IcuItem {
  name: string;
  bytes: Uint8Array;
}

/** A parsed package: the header bytes (copied as they are), the item name prefix ("icudt72l") and the items, sorted. */
export interface IcuPackage {
  header: Uint8Array;
  prefix: string;
  bigEndian: boolean;
  items: IcuItem[];
}

/** Items start on 16-byte boundaries (ICU reads some of them as arrays of 64-bit or 128-bit values). */
const ALIGN = 16;
/** What icupkg fills the gaps with (so that a package written back unchanged is byte-identical). */
const FILL = 0xaa;

const bad = (why: string) =>
  new AirlockError('image', 'icu-data-unreadable', `the ICU data is not a common data package ("CmnD"): ${why}`, {
    hint: 'remove variants.prod.icu, or report the libicu package version',
  });

/** Byte-wise name order: what ICU's binary search over the table of contents (strcmp) expects. */
function byName(a: IcuItem, b: IcuItem): number {
  return Buffer.compare(Buffer.from(a.name, 'latin1'), Buffer.from(b.name, 'latin1'));
}

/** Reads a package (ICU's OffsetTOC layout: header, count, {nameOffset, dataOffset} pairs, names, items). */
export function parseIcuPackage(bytes: Uint8Array): IcuPackage {
  if (bytes.length < 32 || bytes[2] !== 0xda || bytes[3] !== 0x27) throw bad('no ICU data header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bigEndian = bytes[8] === 1;
  const le = !bigEndian;
  const headerSize = view.getUint16(0, le);
  const format = Buffer.from(bytes.subarray(12, 16)).toString('latin1');
  if (format !== 'CmnD' || bytes[16] !== 1) throw bad(`data format ${JSON.stringify(format)} version ${bytes[16]}`);
  if (headerSize + 4 > bytes.length) throw bad('truncated header');
  const count = view.getUint32(headerSize, le);
  if (count === 0 || headerSize + 4 + count * 8 > bytes.length) throw bad(`bad item count ${count}`);
  const raw: { name: string; start: number }[] = [];
  for (let i = 0; i < count; i++) {
    const nameAt = headerSize + view.getUint32(headerSize + 4 + i * 8, le);
    const start = headerSize + view.getUint32(headerSize + 8 + i * 8, le);
    const end = bytes.indexOf(0, nameAt);
    if (end < 0 || start > bytes.length) throw bad(`item ${i} points outside the package`);
    raw.push({ name: Buffer.from(bytes.subarray(nameAt, end)).toString('latin1'), start });
  }
  const prefix = raw[0]!.name.split('/', 1)[0]!;
  const items = raw.map((r, i) => {
    if (!r.name.startsWith(`${prefix}/`)) throw bad(`item ${r.name} lacks the package prefix ${prefix}/`);
    const end = i + 1 < raw.length ? raw[i + 1]!.start : bytes.length;
    if (end < r.start) throw bad(`items out of order at ${r.name}`);
    return { name: r.name.slice(prefix.length + 1), bytes: bytes.subarray(r.start, end) };
  });
  return { header: bytes.subarray(0, headerSize), prefix, bigEndian, items };
}

const pad = (n: number) => (n + ALIGN - 1) & ~(ALIGN - 1);

/** Writes a package with these items (sorted by name here), each starting on a 16-byte boundary, as icupkg does. */
export function writeIcuPackage(pkg: IcuPackage): Uint8Array {
  const items = [...pkg.items].sort(byName);
  const names = items.map((it) => Buffer.from(`${pkg.prefix}/${it.name}\0`, 'latin1'));
  const tocSize = 4 + items.length * 8;
  const namesSize = names.reduce((n, b) => n + b.length, 0);
  const starts: number[] = [];
  let at = pad(pkg.header.length + tocSize + namesSize);
  for (const it of items) { starts.push(at); at = pad(at + it.bytes.length); }
  const last = items.length ? starts[starts.length - 1]! + items[items.length - 1]!.bytes.length : at;
  const out = new Uint8Array(last).fill(FILL);
  const view = new DataView(out.buffer);
  const le = !pkg.bigEndian;
  const base = pkg.header.length;
  out.set(pkg.header, 0);
  view.setUint32(base, items.length, le);
  let nameAt = base + tocSize;
  items.forEach((it, i) => {
    view.setUint32(base + 4 + i * 8, nameAt - base, le);
    view.setUint32(base + 8 + i * 8, starts[i]! - base, le);
    out.set(names[i]!, nameAt);
    nameAt += names[i]!.length;
    out.set(it.bytes, starts[i]!);
  });
  return out;
}

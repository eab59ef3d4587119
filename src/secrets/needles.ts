// The byte strings a secret's value can be found as: the value itself and its base64 form (at each alignment).

/** A secret's value and the forms a scan looks for. */
export interface SecretNeedles {
  id: string;
  /** What a find calls the form (never the value). */
  forms: { form: 'bytes' | 'base64'; bytes: Buffer }[];
}

/** Shorter values are not searched in base64 at the shifted alignments (too few characters are fixed by them). */
const MIN_SHIFTED = 6;

/**
 * The value, and its base64 text as it appears inside a longer encoding: encoded after 0, 1 or 2 bytes of
 * something else, only the characters that depend on the value alone (whole 4-character groups) are kept.
 */
export function secretNeedles(id: string, value: Uint8Array): SecretNeedles {
  const v = Buffer.from(value);
  const forms: SecretNeedles['forms'] = [{ form: 'bytes', bytes: v }];
  for (const shift of [0, 1, 2]) {
    if (shift > 0 && v.length < MIN_SHIFTED) continue;
    const text = Buffer.concat([Buffer.alloc(shift), v]).toString('base64');
    const start = shift === 0 ? 0 : 4;
    const end = Math.floor((shift + v.length) / 3) * 4;
    const core = text.slice(start, shift === 0 && v.length % 3 === 0 ? text.length : end);
    if (core.length >= 4) forms.push({ form: 'base64', bytes: Buffer.from(core) });
  }
  return { id, forms };
}

/** The chunk without CR and LF bytes (itself when it has none). */
function withoutLineBreaks(chunk: Buffer): Buffer {
  if (chunk.indexOf(0x0a) < 0 && chunk.indexOf(0x0d) < 0) return chunk;
  const out = Buffer.alloc(chunk.length);
  let n = 0;
  for (const b of chunk) if (b !== 0x0a && b !== 0x0d) out[n++] = b;
  return out.subarray(0, n);
}

/** One search over a stream seen one way: carries the overlap so a needle split across chunks is still found. */
function windowSearch(forms: readonly { id: string; form: 'bytes' | 'base64'; bytes: Buffer }[]) {
  const longest = Math.max(1, ...forms.map((f) => f.bytes.length));
  let carry = Buffer.alloc(0);
  return (chunk: Buffer) => {
    const window = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const f = forms.find((x) => window.indexOf(x.bytes) >= 0);
    carry = Buffer.from(window.subarray(Math.max(0, window.length - longest + 1)));
    return f ? { id: f.id, form: f.form } : undefined;
  };
}

/**
 * A running search over a stream of chunks, a value split across chunks included. The value's own bytes are looked
 * for as they are; its base64 forms also across line breaks (base64 wrapped at 64 or 76 columns, CRLF or LF, as PEM,
 * MIME and `base64` write it), by looking in the stream without its CR and LF bytes.
 */
export function streamSearch(needles: readonly SecretNeedles[]) {
  const all = needles.flatMap((n) => n.forms.map((f) => ({ id: n.id, ...f })));
  const raw = windowSearch(all.filter((f) => f.form === 'bytes'));
  const unwrapped = windowSearch(all.filter((f) => f.form === 'base64'));
  let found: { id: string; form: 'bytes' | 'base64' } | undefined;
  return {
    push(chunk: Uint8Array): void {
      if (found) return;
      const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      found = raw(b) ?? unwrapped(withoutLineBreaks(b));
    },
    get found() { return found; },
  };
}

/** Whether `bytes` holds a secret, and which one in which form. */
export function findIn(bytes: Uint8Array, needles: readonly SecretNeedles[]):
  { id: string; form: 'bytes' | 'base64' } | undefined {
  const s = streamSearch(needles);
  s.push(bytes);
  return s.found;
}

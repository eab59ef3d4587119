// Deterministic JSON: objects built in a fixed key order and encoded once (jsonBytes), or canonical JSON with keys
// sorted at every level (canonicalJson, stableJson) for digests and documents that are built without a fixed order.
import { AirlockError } from '../errors.js';

/** A copy of a string map with keys sorted bytewise. */
export function sortedRecord<V>(r: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of Object.keys(r).sort(compareBytes)) out[k] = r[k] as V;
  return out;
}

/** Encodes a value built in fixed key order as compact UTF-8 JSON. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** Parses UTF-8 JSON bytes; bytes that are not JSON are a `bad-json` image error (exit 5) naming `where`. */
export function parseJsonBytes(bytes: Uint8Array, where = 'a JSON document'): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new AirlockError('image', 'bad-json', `${where} is not valid JSON: ${(cause as Error).message}`, {
      cause, hint: 'the image is damaged or was not written by an OCI tool; copy it again from its source',
    });
  }
}

/** Bytewise (UTF-8) string comparison, the order used for tar paths, tags and keys. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function wrap(open: string, close: string, items: string[], indent: string, at: string): string {
  if (items.length === 0) return open + close;
  if (!indent) return `${open}${items.join(',')}${close}`;
  const inner = at + indent;
  return `${open}\n${inner}${items.join(`,\n${inner}`)}\n${at}${close}`;
}

function encode(value: unknown, indent: string, at: string): string {
  const deeper = at + indent;
  if (Array.isArray(value)) return wrap('[', ']', value.map((v) => encode(v ?? null, indent, deeper)), indent, at);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => byCodeUnit(a, b));
    const sep = indent ? ': ' : ':';
    const items = entries.map(([k, v]) => `${JSON.stringify(k)}${sep}${encode(v, indent, deeper)}`);
    return wrap('{', '}', items, indent, at);
  }
  return JSON.stringify(value);
}

/** Compact JSON with object keys sorted at every level (UTF-16 code unit order; arrays keep their order). */
export function canonicalJson(value: unknown): string {
  return encode(value, '', '');
}

/** `canonicalJson` laid out as `JSON.stringify(v, null, 2)` lays out, with a final newline: the form of files. */
export function stableJson(value: unknown): string {
  return `${encode(value, '  ', '')}\n`;
}

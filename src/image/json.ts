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

/** Keys a JS object lists first, in number order, whatever order they were set in: array indices. */
const INDEX_KEY = /^(0|[1-9][0-9]{0,9})$/;
const UNSORTABLE = Symbol('unsortable');

/**
 * A copy of `value` whose objects hold their keys in sorted order (undefined members left out, as the encoder does),
 * for JSON.stringify to encode natively: four times faster than encoding in script. UNSORTABLE when an object's order
 * cannot be set (index-like keys come first in any object) or when JSON.stringify would encode it otherwise (toJSON).
 */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = value[i] === undefined ? null : sortedCopy(value[i]);
      if (v === UNSORTABLE) return UNSORTABLE;
      out[i] = v;
    }
    return out;
  }
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return UNSORTABLE;
  const r = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(r).sort(byCodeUnit)) {
    if (r[k] === undefined) continue;
    if (INDEX_KEY.test(k)) return UNSORTABLE;
    const v = sortedCopy(r[k]);
    if (v === UNSORTABLE) return UNSORTABLE;
    out[k] = v;
  }
  return out;
}

/** Compact JSON with object keys sorted at every level (UTF-16 code unit order; arrays keep their order). */
export function canonicalJson(value: unknown): string {
  const sorted = sortedCopy(value);
  return sorted === UNSORTABLE ? encode(value, '', '') : JSON.stringify(sorted);
}

/** `canonicalJson` laid out as `JSON.stringify(v, null, 2)` lays out, with a final newline: the form of files. */
export function stableJson(value: unknown): string {
  const sorted = sortedCopy(value);
  return `${sorted === UNSORTABLE ? encode(value, '  ', '') : JSON.stringify(sorted, null, 2)}\n`;
}

/** The encoders as written in script, for tests that compare them with the native path. */
export const scriptJson = { canonical: (v: unknown) => encode(v, '', ''), stable: (v: unknown) => `${encode(v, '  ', '')}\n` };

// Deterministic JSON bytes: objects are built in a fixed key order, maps sorted, then encoded once.

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

/** Parses UTF-8 JSON bytes. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Bytewise (UTF-8) string comparison, the order used for tar paths, tags and keys. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

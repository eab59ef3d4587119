// Deterministic JSON text: keys sorted recursively, so equal values always give equal bytes.

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Pretty JSON (two-space indent, trailing newline) with sorted keys: the form of every evidence file. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

/** Compact JSON with sorted keys: the form of signed payloads and manifests. */
export function compactJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

// Walking the zod schema: which keys are allowed at a path, and where each key may appear (for "did you mean").
import { z } from 'zod';
import type { ConfigPath } from './yaml-source.js';

/** Object keys the schema allows at `path` (through optionals, unions, arrays and records). */
export function knownKeysAt(schema: z.ZodType, path: ConfigPath): string[] {
  let level: z.ZodType[] = [schema];
  const expand = (s: z.ZodType): z.ZodType[] =>
    s instanceof z.ZodOptional || s instanceof z.ZodDefault ? expand(s.unwrap() as z.ZodType)
      : s instanceof z.ZodUnion ? (s.options as z.ZodType[]).flatMap(expand) : [s];
  for (const k of path) {
    level = level.flatMap(expand).flatMap((s): z.ZodType[] => {
      if (s instanceof z.ZodObject && typeof k === 'string') return s.shape[k] ? [s.shape[k] as z.ZodType] : [];
      if (s instanceof z.ZodArray && typeof k === 'number') return [s.element as z.ZodType];
      if (s instanceof z.ZodRecord) return [s.valueType as z.ZodType];
      return [];
    });
  }
  const keys = level.flatMap(expand).flatMap((s) => (s instanceof z.ZodObject ? Object.keys(s.shape) : []));
  return [...new Set(keys)].sort();
}

/** Where each key may appear: key → dotted parents ('' = top level), e.g. strip_binaries → [variants.dev, variants.prod, variants.test]. */
export function keyLocations(schema: z.ZodType): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (s: z.ZodType, at: string): void => {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) return walk(s.unwrap() as z.ZodType, at);
    if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).forEach((o) => walk(o, at));
    if (s instanceof z.ZodArray) return walk(s.element as z.ZodType, `${at}[]`);
    if (!(s instanceof z.ZodObject)) return;
    for (const [k, v] of Object.entries(s.shape as Record<string, z.ZodType>)) {
      const list = out.get(k) ?? [];
      if (!list.includes(at)) list.push(at);
      out.set(k, list);
      walk(v, at ? `${at}.${k}` : k);
    }
  };
  walk(schema, '');
  return out;
}

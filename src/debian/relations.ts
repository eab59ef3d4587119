// Pure parser for Depends-style relation fields and resolution of relations against a chosen package set.
import { AirlockError } from '../errors.js';

/** One alternative of a relation: `name [:arch] [(op version)]`. */
export interface Relation {
  name: string;
  op?: string;
  version?: string;
}

/**
 * Parses "a (>= 1) | b, c:any" into groups of alternatives; architecture qualifiers and restrictions are dropped.
 * A malformed relation is an AirlockError (exit 3) located at `where` (e.g. "Depends of libfoo").
 */
export function parseRelations(text: string | undefined, where = 'a relation field'): Relation[][] {
  if (!text || !text.trim()) return [];
  return text.split(',').map((group) =>
    group.split('|').map((alt) => {
      const m = /^\s*([a-z0-9][a-z0-9+.\-]*)(?::[a-z0-9-]+)?\s*(?:\(\s*(<<|<=|=|>=|>>|<|>)\s*([^)\s]+)\s*\))?/.exec(alt);
      if (!m) {
        throw new AirlockError('packages', 'bad-relation', `cannot parse relation ${JSON.stringify(alt.trim())}`, {
          location: where, hint: 'a relation is "name [(op version)]", alternatives separated by "|" and groups by ","',
        });
      }
      return m[2] ? { name: m[1]!, op: m[2], version: m[3] } : { name: m[1]! };
    }),
  );
}

/** Maps each virtual name to the real packages of the set providing it. */
export function providersOf(set: Array<{ name: string; provides?: string }>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const p of set) {
    for (const group of parseRelations(p.provides, `Provides of ${p.name}`)) {
      for (const r of group) {
        const list = m.get(r.name) ?? [];
        list.push(p.name);
        m.set(r.name, list);
      }
    }
  }
  for (const list of m.values()) list.sort();
  return m;
}

/**
 * Resolves relation groups to package names of the set: the first alternative that is in the set, else the
 * first alternative provided by a package of the set. Groups no package of the set satisfies are returned in `missing`.
 */
export function resolveRelations(
  groups: Relation[][],
  names: ReadonlySet<string>,
  providers: ReadonlyMap<string, string[]>,
): { names: string[]; missing: string[] } {
  const out = new Set<string>();
  const missing: string[] = [];
  for (const group of groups) {
    let hit = group.find((r) => names.has(r.name))?.name;
    if (hit === undefined) {
      for (const r of group) {
        const p = providers.get(r.name)?.[0];
        if (p !== undefined) { hit = p; break; }
      }
    }
    if (hit === undefined) missing.push(group.map((r) => r.name).join(' | '));
    else out.add(hit);
  }
  return { names: [...out].sort(), missing };
}

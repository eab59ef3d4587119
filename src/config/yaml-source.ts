// YAML text → plain value plus a position finder, keeping line:col for every node (pure; the text is passed in).
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A path into the config: keys and list indexes. */
export type ConfigPath = (string | number)[];

/** 1-based line and column. */
export interface Position {
  line: number;
  col: number;
}

/** A YAML syntax problem. */
export interface SyntaxProblem {
  position: Position;
  message: string;
}

/**
 * Fields whose scalars are kept as the text written, even when YAML would read a number or boolean:
 * `version: 1.10` stays "1.10" (not 1.1), `mode: 0755` stays "0755" (not 755), `DEBUG: yes` stays "yes".
 * `*` matches any one key or index.
 */
const TEXTUAL: string[][] = [
  ['version'], ['tag'], ['name'],
  ['dev_packages', '*', '*'], ['packages', '*', '*'], ['packages', 'packages', '*', '*'], ['packages', 'dev_packages', '*', '*'],
  ['artifacts', '*', 'mode'], ['runtime', 'env', '*'], ['runtime', 'labels', '*'], ['runtime', 'user'], ['debian', 'suite'],
];

function isTextual(path: ConfigPath): boolean {
  return TEXTUAL.some((t) => t.length === path.length && t.every((k, i) => k === '*' || k === path[i]));
}

/** More alias uses than this is an alias bomb, not a config. */
const MAX_ALIASES = 1000;

/** Converts a YAML node to a plain value (keys as strings, aliases resolved); `state.aliases` counts alias uses. */
function toPlain(node: unknown, path: ConfigPath, doc: Document, state: { aliases: number; active: Set<unknown> }): unknown {
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (++state.aliases > MAX_ALIASES || state.active.has(target)) throw new RangeError('too many or recursive aliases');
    state.active.add(target);
    try {
      return toPlain(target, path, doc, state);
    } finally {
      state.active.delete(target);
    }
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      out[key] = toPlain(pair.value, [...path, key], doc, state);
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item, i) => toPlain(item, [...path, i], doc, state));
  if (isScalar(node)) {
    const v = node.value;
    if ((typeof v === 'number' || typeof v === 'boolean') && isTextual(path) && typeof node.source === 'string') return node.source;
    return v;
  }
  return node === null || node === undefined ? null : node;
}

const SYNTAX_MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: 'the file holds several YAML documents (---); an airlock config is one document',
};

/** A parsed YAML config: its plain value, syntax problems, and where each path is. */
export interface YamlSource {
  value: unknown;
  syntaxProblems: SyntaxProblem[];
  /** Position of the value at `path` (or of its key when `key`), falling back to the nearest existing parent. */
  positionOf(path: ConfigPath, key?: boolean): Position;
}

/** Parses YAML text (one document, unique keys) keeping positions. */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number): Position => lineCounter.linePos(offset);
  const syntaxProblems = [...doc.errors].map((e) => ({
    position: pos(e.pos[0]),
    message: SYNTAX_MESSAGES[e.code] ?? e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
  }));
  let value: unknown = null;
  try {
    if (!syntaxProblems.length) value = toPlain(doc.contents, [], doc, { aliases: 0, active: new Set() });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    syntaxProblems.push({ position: pos(0), message: `aliases (*name) are used more than ${MAX_ALIASES} times or refer to themselves` });
  }
  return {
    value,
    syntaxProblems,
    positionOf(path, key = false) {
      let node: unknown = doc.contents;
      let at = 0;
      for (let i = 0; i < path.length; i++) {
        const k = path[i]!;
        let next: unknown;
        if (isAlias(node)) node = node.resolve(doc);
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(k));
          if (!pair) break;
          if (key && i === path.length - 1) return pos((pair.key as Node).range![0]);
          next = pair.value ?? pair.key;
          at = ((pair.value ?? pair.key) as Node).range?.[0] ?? at;
        } else if (isSeq(node) && typeof k === 'number' && node.items[k] !== undefined) {
          next = node.items[k];
          at = (next as Node).range?.[0] ?? at;
        } else break;
        node = next;
      }
      if (path.length === 0 && doc.contents) at = doc.contents.range?.[0] ?? 0;
      return pos(at);
    },
  };
}

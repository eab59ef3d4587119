// fast-check arbitraries that damage a valid input a little (a fuzzer's mutations): text edits, JSON edits, byte edits.
import fc from 'fast-check';

const NASTY = [':', '-', '[', ']', '{', '}', '"', "'", '#', '&', '*', '!', '|', '>', '%', '@', '`', '\t', '\n', '\0', ' ', '\\', 'é', '\u202e'];

/** One edit of a text: delete, duplicate or swap lines, re-indent, insert or replace characters, truncate. */
export function textMutation(text: string): fc.Arbitrary<string> {
  const lines = text.split('\n');
  const line = fc.nat({ max: Math.max(0, lines.length - 1) });
  const pos = fc.nat({ max: text.length });
  const junk = fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 8 }));
  const withLines = (f: (ls: string[]) => void) => { const ls = [...lines]; f(ls); return ls.join('\n'); };
  return fc.oneof(
    line.map((i) => withLines((ls) => ls.splice(i, 1))),
    line.map((i) => withLines((ls) => ls.splice(i, 0, ls[i]!))),
    fc.tuple(line, line).map(([i, j]) => withLines((ls) => { [ls[i], ls[j]] = [ls[j]!, ls[i]!]; })),
    fc.tuple(line, fc.integer({ min: -3, max: 3 })).map(([i, d]) =>
      withLines((ls) => { ls[i] = d >= 0 ? ' '.repeat(d) + ls[i] : ls[i]!.replace(new RegExp(`^ {0,${-d}}`), ''); })),
    fc.tuple(pos, junk).map(([p, j]) => text.slice(0, p) + j + text.slice(p)),
    fc.tuple(pos, junk).map(([p, j]) => text.slice(0, p) + j + text.slice(p + 1)),
    pos.map((p) => text.slice(0, p)),
  );
}

/** Several edits in a row. */
export function textMutations(text: string, max = 3): fc.Arbitrary<string> {
  let arb: fc.Arbitrary<string> = textMutation(text);
  for (let i = 1; i < max; i++) arb = arb.chain((t) => fc.oneof(fc.constant(t), textMutation(t)));
  return arb;
}

/** A JSON value with a value somewhere replaced, a key removed, or a wrong type put in. */
export function jsonMutation(value: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(value, []);
  const replacement = fc.oneof(
    fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 53, '', 'x', '../../etc/passwd', 'sha256:' + '0'.repeat(64), [], {}, '9:9.9.9-9'),
    fc.string({ maxLength: 10 }), fc.integer(),
  );
  return fc.tuple(fc.constantFrom(...paths), fc.boolean(), replacement).map(([path, drop, r]) => {
    const copy = structuredClone(value) as Record<string | number, unknown>;
    if (path.length === 0) return r;
    let parent: Record<string | number, unknown> = copy;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    if (drop && Array.isArray(parent)) parent.splice(last as number, 1);
    else if (drop) delete parent[last];
    else parent[last] = r;
    return copy;
  });
}

/** Bytes with a few flipped, a range cut out, or cut short. */
export function bytesMutation(bytes: Uint8Array): fc.Arbitrary<Buffer> {
  const pos = fc.nat({ max: Math.max(0, bytes.length - 1) });
  return fc.oneof(
    fc.array(fc.tuple(pos, fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => {
      const b = Buffer.from(bytes);
      for (const [p, x] of flips) b[p] = b[p]! ^ x;
      return b;
    }),
    fc.tuple(pos, fc.nat({ max: 1024 })).map(([p, n]) => Buffer.concat([bytes.subarray(0, p), bytes.subarray(p + n + 1)])),
    pos.map((p) => Buffer.from(bytes.subarray(0, p))),
  );
}

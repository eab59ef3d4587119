// .airlockignore / .dockerignore matching with Docker's semantics, plus what a build context always leaves out. Pure.
import { AirlockError } from '../errors.js';

/**
 * Always left out of a build context, whatever the ignore file says: VCS metadata (`.git` at any depth) and
 * airlock's default output folder beside the config (`airlock-out`). `node_modules` is NOT ignored by default.
 */
export const ALWAYS_IGNORED: readonly string[] = ['**/.git', 'airlock-out'];

/** Ignore files looked for in the build context, in order of preference. */
export const IGNORE_FILES: readonly string[] = ['.airlockignore', '.dockerignore'];

/**
 * `true` when `relPath` (relative to the context, '/'-separated) is left out of the build context.
 * `isDir` is part of the walker's call; Docker's rules do not depend on it (a pattern matches a path or any of its parents).
 */
export type IgnoreMatcher = ((relPath: string, isDir: boolean) => boolean) & {
  /** The file has `!` rules: a walker must not skip an ignored folder without looking inside. */
  readonly reincludes: boolean;
};

interface Rule {
  re: RegExp;
  negate: boolean;
}

/** Docker's pattern → anchored RegExp: `*` and `?` stay within one path part, `**` spans parts, `[…]` and `\x` as in Go's filepath.Match. */
export function patternRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') { re += '(?:.*/)?'; i++; } // "**/" = zero or more folders
      else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += escape(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) { re += '\\['; continue; }
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^') || cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      re += `[${cls}]`;
      i = end;
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

const escape = (c: string) => c.replace(/[.*?+^${}()|[\]\\/-]/g, '\\$&');

/** Cleans a path or pattern like Go's filepath.Clean, then drops a leading '/' (patterns are relative to the context). */
export function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else if (part !== '..' || out.length === 0) out.push(part);
  }
  return out.join('/');
}

/**
 * Parses ignore-file text: one pattern a line, `#` comments, blank lines skipped, `!` re-includes.
 * As in Docker, patterns are cleaned: a leading or trailing `/` is dropped (`build/` also matches a file named build).
 */
export function parseIgnore(text: string): Rule[] {
  const rules: Rule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    let line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    const pattern = cleanPath(line);
    if (!pattern) return;
    try {
      rules.push({ re: patternRegExp(pattern), negate });
    } catch (e) {
      throw new AirlockError('usage', 'invalid-ignore-pattern', `ignore file line ${i + 1}: \`${raw.trim()}\` is not a valid pattern`, {
        hint: 'check the [...] character classes (e.g. [a-z], not [z-a]); write \\[ for a literal [',
        cause: e,
      });
    }
  });
  return rules;
}

function matches(rule: Rule, path: string): boolean {
  if (rule.re.test(path)) return true;
  for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) if (rule.re.test(path.slice(0, i))) return true; // a parent folder matches
  return false;
}

/** Compiles ignore-file text; the last matching rule decides, and `always` patterns win over everything. */
export function compileIgnore(text: string, always: readonly string[] = ALWAYS_IGNORED): IgnoreMatcher {
  const rules = parseIgnore(text);
  const forced = parseIgnore(always.join('\n'));
  const matcher = (relPath: string, _isDir: boolean): boolean => {
    const path = cleanPath(relPath);
    if (!path) return false; // the context itself
    if (forced.some((r) => matches(r, path))) return true;
    let ignored = false;
    for (const r of rules) if (matches(r, path)) ignored = !r.negate;
    return ignored;
  };
  return Object.assign(matcher, { reincludes: rules.some((r) => r.negate) });
}

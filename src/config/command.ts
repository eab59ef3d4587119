// Splitting a command string into argv the way a shell would for simple cases (no shell is run, none may exist in prod).

/** Characters that need a real shell when unquoted: pipes, redirections, lists, substitutions, globs. */
const SHELL_SYNTAX = /[|&;<>()$`*?[\]{}]/;

/** Result of splitting: argv, or why the string needs a shell. */
export type SplitResult = { argv: string[] } | { error: string };

/**
 * Splits `text` into words: whitespace separates, '…' is literal, "…" allows \" \\ \$ \`, a backslash escapes the next character.
 * Unquoted shell syntax (| & ; < > ( ) $ ` * ? [ ] { }, and ~ or # starting a word) and unterminated quotes are errors: write a list instead.
 */
export function splitCommand(text: string): SplitResult {
  const argv: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (word !== undefined) argv.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { error: 'unterminated single quote' };
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let s = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1]!)) j++;
        else if (text[j] === '$' || text[j] === '`') return { error: `shell substitution "${text[j]}" inside double quotes` };
        s += text[j];
      }
      if (j >= text.length) return { error: 'unterminated double quote' };
      word = (word ?? '') + s;
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= text.length) return { error: 'trailing backslash' };
      word = (word ?? '') + text[++i];
    } else if (SHELL_SYNTAX.test(c) || ((c === '#' || c === '~') && word === undefined)) {
      return { error: `shell syntax "${c}" (no shell runs the command)` };
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) argv.push(word);
  return { argv };
}

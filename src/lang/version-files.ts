// The toolchain version a version manager's pin file states (pure): the files pyenv and uv (.python-version), jenv
// (.java-version), nvm (.nvmrc) and nodenv or fnm (.node-version) switch to, and CI's setup actions read too.

/** The pin files of each language, in the order they are read (the first that states a version wins). */
export const VERSION_FILES: Record<string, string[]> = {
  python: ['.python-version'],
  java: ['.java-version'],
  node: ['.nvmrc', '.node-version'],
};

/**
 * What each language's pin file holds, its capture the version airlock takes: CPython 3.x ("3.11", "3.11.4",
 * "cpython-3.11"), a JDK ("17", "17.0.9", "openjdk64-17.0.9"; "1.8" is 8), a Node.js major ("18", "v18.19.0").
 * Other lines (pypy3.9, system, lts/hydrogen) state no version airlock can take.
 */
const PIN: Record<string, RegExp> = {
  python: /^(?:c?python-?)?(3\.\d+)(?:\.\d+\S*)?$/i,
  java: /^(?:[a-z][a-z0-9]*-)?(?:1\.(?=\d(?:\D|$)))?(\d+)(?:[.+_-][\w.+-]*)?$/i,
  node: /^v?(\d+)(?:\.\d+){0,2}$/,
};

/** The version the language's pin file states, with the file's name, when one is there and states one. */
export function pinnedVersion(
  language: string,
  topText: Map<string, string>,
): { value: string; from: string } | undefined {
  for (const file of VERSION_FILES[language] ?? []) {
    const first = topText.get(file)?.split('\n').map((l) => l.replace(/#.*/, '').trim()).find((l) => l !== '');
    const value = first === undefined ? undefined : PIN[language]!.exec(first)?.[1];
    if (value) return { value, from: file };
  }
  return undefined;
}

// "Did you mean …?" for unknown keys and enum values: known aliases first, then the closest name within edit distance 2.

/** Spellings users bring from other tools, mapped to airlock's key. */
export const KEY_ALIASES: Record<string, string> = {
  language: 'base_language',
  lang: 'base_language',
  dependencies: 'packages',
  deps: 'packages',
  runtime_packages: 'packages',
  build_packages: 'dev_packages',
  build_dependencies: 'dev_packages',
  builddeps: 'dev_packages',
  policy: 'deployment_policy',
  image: 'name',
  context: 'source',
  src: 'source',
  environment: 'env',
  expose: 'ports',
  working_dir: 'workdir',
  workingdir: 'workdir',
  command: 'cmd',
  args: 'cmd',
  run: 'steps',
  script: 'steps',
  tests: 'test',
  strip: 'strip_binaries',
  build_tools: 'include_build_tools',
  source_code: 'include_source',
  max_image_size: 'max_size',
  size_limit: 'max_size',
  dist: 'suite',
  arch: 'architecture',
  keyrings: 'keyring',
};

/** Levenshtein distance (insert, delete, substitute). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Lowercase without separators: dev-packages, devPackages and DEV_PACKAGES all become devpackages. */
const fold = (s: string) => s.toLowerCase().replace(/[-_\s.]/g, '');

/** The known name the user most likely meant, or undefined. */
export function suggest(written: string, known: readonly string[]): string | undefined {
  const alias = KEY_ALIASES[fold(written)] ?? KEY_ALIASES[written.toLowerCase().replace(/-/g, '_')];
  if (alias && known.includes(alias)) return alias;
  const folded = known.find((k) => fold(k) === fold(written));
  if (folded) return folded;
  const prefixed = written.length >= 2 ? known.filter((k) => k.startsWith(written.toLowerCase())) : [];
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = written.length <= 3 ? 2 : 3;
  for (const k of [...known].sort()) {
    const d = Math.min(editDistance(written, k), editDistance(fold(written), fold(k)));
    if (d < bestDistance) { best = k; bestDistance = d; }
  }
  return best;
}

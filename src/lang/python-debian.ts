// Python distributions as Debian packages (pure): Debian names the package of a distribution python3-<name> (its
// Python policy), lower case with '_' as '-' and without a leading "python-"; the few whose package is named after
// what they import instead are listed.

/** Distributions (PEP 503 normalized names) whose Debian package is not python3-<name>. */
const NAMED_OTHERWISE: Record<string, string> = {
  attrs: 'python3-attr',
  beautifulsoup4: 'python3-bs4',
  'opencv-python': 'python3-opencv',
  pillow: 'python3-pil',
  'psycopg2-binary': 'python3-psycopg2',
  pygobject: 'python3-gi',
  pyjwt: 'python3-jwt',
  pyopenssl: 'python3-openssl',
  pyserial: 'python3-serial',
  pyyaml: 'python3-yaml',
  'scikit-learn': 'python3-sklearn',
};

/** The distribution name a PEP 508 requirement starts with ("PyYAML>=6; python_version>'3'" → "PyYAML"). */
export function requirementName(requirement: string): string | undefined {
  return /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement)?.[1];
}

/** The Debian package of a distribution ("PyYAML" → python3-yaml, "python-dateutil" → python3-dateutil). */
export function debianPythonPackage(distribution: string): string {
  const name = distribution.toLowerCase();
  const known = NAMED_OTHERWISE[name.replace(/[-_.]+/g, '-')];
  return known ?? `python3-${name.replace(/_/g, '-').replace(/^python-/, '')}`;
}

/**
 * The Debian packages of pyproject.toml's [project] dependencies, in order, and the requirements left out because an
 * environment marker (`; sys_platform == "win32"`) says they may not apply; undefined when the table lists none.
 */
export function dependencyPackages(
  dependencies: string[] | undefined,
): { packages: string[]; marked: string[] } | undefined {
  if (!dependencies?.length) return undefined;
  const marked = dependencies.filter((d) => d.includes(';'));
  const names = dependencies.filter((d) => !d.includes(';')).map(requirementName).filter((n): n is string => !!n);
  return { packages: [...new Set(names.map(debianPythonPackage))], marked };
}

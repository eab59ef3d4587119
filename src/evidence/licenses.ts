// Debian copyright files name licenses in their own short forms; SBOMs want SPDX expressions.

const DEBIAN_TO_SPDX: Record<string, string> = {
  'gpl-1': 'GPL-1.0-only', 'gpl-1+': 'GPL-1.0-or-later', 'gpl-2': 'GPL-2.0-only', 'gpl-2+': 'GPL-2.0-or-later',
  'gpl-3': 'GPL-3.0-only', 'gpl-3+': 'GPL-3.0-or-later', 'lgpl-2': 'LGPL-2.0-only', 'lgpl-2+': 'LGPL-2.0-or-later',
  'lgpl-2.1': 'LGPL-2.1-only', 'lgpl-2.1+': 'LGPL-2.1-or-later', 'lgpl-3': 'LGPL-3.0-only', 'lgpl-3+': 'LGPL-3.0-or-later',
  'agpl-3': 'AGPL-3.0-only', 'agpl-3+': 'AGPL-3.0-or-later', 'gfdl-1.3': 'GFDL-1.3-only', 'gfdl-1.3+': 'GFDL-1.3-or-later',
  'bsd-2-clause': 'BSD-2-Clause', 'bsd-3-clause': 'BSD-3-Clause', 'bsd-4-clause': 'BSD-4-Clause', expat: 'MIT', mit: 'MIT',
  'apache-2.0': 'Apache-2.0', 'apache-2': 'Apache-2.0', zlib: 'Zlib', isc: 'ISC', 'mpl-2.0': 'MPL-2.0', 'artistic': 'Artistic-1.0-Perl',
  'cc0-1.0': 'CC0-1.0', 'openssl': 'OpenSSL', 'curl': 'curl', 'psf-2': 'PSF-2.0', 'python-2.0': 'Python-2.0', 'x11': 'X11',
  'ftl': 'FTL', 'bsl-1.0': 'BSL-1.0', 'unicode-dfs-2016': 'Unicode-DFS-2016', 'gcc-exception-3.1': 'GCC-exception-3.1',
};

/** License names declared in a machine-readable (DEP-5) copyright file, sorted and unique; [] for free-form files. */
export function licensesFromCopyright(text: string): string[] {
  if (!/^\s*Format:\s*\S*copyright-format/i.test(text)) return [];
  const names = new Set<string>();
  for (const m of text.matchAll(/^License:[ \t]*(\S[^\n]*)$/gim)) {
    for (const part of m[1]!.split(/\s+(?:or|and|,)\s+|\s*,\s*|\s+with\s+.*$/i)) {
      const n = part.trim().replace(/[()]/g, '');
      if (n) names.add(n);
    }
  }
  return [...names].sort();
}

/** SPDX id for one Debian license name, or undefined when it has no known SPDX equivalent. */
export function spdxId(name: string): string | undefined {
  return DEBIAN_TO_SPDX[name.toLowerCase()];
}

/** A `LicenseRef-` id for a name SPDX does not know (SPDX ids allow only letters, digits, '.' and '-'). */
export function licenseRef(name: string): string {
  return 'LicenseRef-' + name.replace(/[^A-Za-z0-9.-]+/g, '-');
}

/** An SPDX expression (AND of all names) or NOASSERTION when no names are known. */
export function spdxExpression(names: readonly string[] | undefined): string {
  if (!names || names.length === 0) return 'NOASSERTION';
  const ids = [...new Set(names.map((n) => spdxId(n) ?? licenseRef(n)))].sort();
  return ids.length === 1 ? ids[0]! : ids.join(' AND ');
}

// The files of a sliced Debian package as both SBOMs list them: sorted by path, and SPDX's verification code.
import { createHash } from 'node:crypto';
import { cmp, type EvidencePackage, type PackageFile } from './input.js';

/** The package's present files sorted by path; undefined for a whole package (its .deb says what it holds). */
export function presentFiles(p: EvidencePackage): PackageFile[] | undefined {
  return p.files && [...p.files].sort((a, b) => cmp(a.path, b.path));
}

/**
 * SPDX 2.3 §7.9 package verification code: SHA1 of the files' SHA1s (lowercase hex) sorted and concatenated. It is
 * what `filesAnalyzed: true` asks for, over exactly the files listed (none is an excluded SPDX file).
 */
export function verificationCode(files: readonly PackageFile[]): string {
  const sums = files.map((f) => f.sha1).sort(cmp);
  return createHash('sha1').update(sums.join('')).digest('hex');
}

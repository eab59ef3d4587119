// The CA bundle the way Debian's update-ca-certificates writes it, made from the ca-certificates package's files
// (the work its postinst does), so prod needs neither the script nor openssl.

/** Where the bundle goes (the path Go, OpenSSL via SSL_CERT_FILE, Python and Java's generator read). */
export const CA_BUNDLE_PATH = 'etc/ssl/certs/ca-certificates.crt';

/** The package whose certificates become the bundle. */
export const CA_PACKAGE = 'ca-certificates';

/** libssl's default CA file and directory (OPENSSLDIR is /usr/lib/ssl), as the openssl package links them. */
export const OPENSSL_DEFAULT_LINKS: ReadonlyArray<readonly [string, string]> = [
  ['usr/lib/ssl/cert.pem', `/${CA_BUNDLE_PATH}`],
  ['usr/lib/ssl/certs', '/etc/ssl/certs'],
];

/** Whether a (merged, relative) path of ca-certificates serves only update-ca-certificates: the bundle replaces it. */
export function caToolingPath(path: string): boolean {
  return path === 'usr/share/ca-certificates' || path.startsWith('usr/share/ca-certificates/')
    || path === 'usr/sbin/update-ca-certificates' || path === 'etc/ca-certificates' || path.startsWith('etc/ca-certificates/');
}

/** Whether a path is a certificate update-ca-certificates puts in the bundle (from ca-certificates or another package). */
export function isCaCertificate(path: string): boolean {
  return path.startsWith('usr/share/ca-certificates/') && path.endsWith('.crt');
}

/**
 * Every certificate in path order (the order of the ca-certificates.conf its postinst writes), each ending in a
 * newline, concatenated. Undefined when there are none.
 */
export function caBundleBytes(certs: ReadonlyArray<{ path: string; data: Uint8Array }>): Buffer | undefined {
  if (certs.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const c of [...certs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    parts.push(Buffer.from(c.data));
    if (c.data.length > 0 && c.data[c.data.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

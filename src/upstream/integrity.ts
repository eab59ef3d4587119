// The one strict reading of a subresource integrity: "sha512-<base64>" in its canonical form, nothing else.

const SHA512_SRI = /^sha512-([A-Za-z0-9+/]{86}==)$/;

/** Hex of the SHA-512 in an SRI "sha512-<base64>", or undefined for any other algorithm or a non-canonical form. */
export function sriSha512Hex(integrity: string): string | undefined {
  const b64 = SHA512_SRI.exec(integrity)?.[1];
  const bytes = b64 === undefined ? undefined : Buffer.from(b64, 'base64');
  return bytes && bytes.toString('base64') === b64 ? bytes.toString('hex') : undefined;
}

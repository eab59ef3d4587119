// The cosign "simple signing" payload: the bytes a container image signature is made over.
import { AirlockError } from '../errors.js';

/** critical.type of every cosign image signature. */
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

/** The parsed claim of a signature payload. */
export interface SimpleSigning {
  critical: { identity: { 'docker-reference': string }; image: { 'docker-manifest-digest': string }; type: string };
  optional: Record<string, unknown> | null;
}

/** Payload bytes naming `repository` (no tag/digest) and the manifest digest; serialized once, never re-encoded. */
export function simpleSigningPayload(repository: string, manifestDigest: string): Buffer {
  const body: SimpleSigning = {
    critical: { identity: { 'docker-reference': repository }, image: { 'docker-manifest-digest': manifestDigest }, type: COSIGN_SIGNATURE_TYPE },
    optional: {},
  };
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** Parses payload bytes; throws a policy error when they are not a cosign image signature claim. */
export function parseSimpleSigning(bytes: Uint8Array): SimpleSigning {
  let p: SimpleSigning;
  try {
    p = JSON.parse(Buffer.from(bytes).toString('utf8')) as SimpleSigning;
  } catch (cause) {
    throw new AirlockError('policy', 'bad-signature-payload', 'signature payload is not valid JSON', { cause });
  }
  const digest = p?.critical?.image?.['docker-manifest-digest'];
  if (p?.critical?.type !== COSIGN_SIGNATURE_TYPE || typeof digest !== 'string') {
    throw new AirlockError('policy', 'bad-signature-payload', `signature payload is not a '${COSIGN_SIGNATURE_TYPE}' claim`);
  }
  return p;
}

// DSSE v1: pre-authentication encoding and envelopes as cosign reads them (standard base64, DER ECDSA).
import type { KeyObject } from 'node:crypto';
import { AirlockError } from '../errors.js';
import { signBytes, verifyBytes } from './keys.js';

/** The payload type cosign requires for attestations. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** A DSSE envelope. */
export interface Envelope {
  payload: string;
  payloadType: string;
  signatures: { keyid: string; sig: string }[];
}

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes. */
export function pae(payloadType: string, body: Uint8Array): Buffer {
  const t = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${t.length} `), t, Buffer.from(` ${body.length} `), body]);
}

/** Signs `body` into an envelope with one signature (ECDSA P-256 / SHA-256 over the PAE, DER). */
export function signEnvelope(body: Uint8Array, key: KeyObject, payloadType = IN_TOTO_PAYLOAD_TYPE): Envelope {
  const sig = signBytes(key, pae(payloadType, body));
  return { payload: Buffer.from(body).toString('base64'), payloadType, signatures: [{ keyid: '', sig: sig.toString('base64') }] };
}

/** Parses envelope JSON, throwing a policy error naming `what` when it is not an envelope. */
export function parseEnvelope(bytes: Uint8Array, what: string): Envelope {
  let e: Envelope;
  try {
    e = JSON.parse(Buffer.from(bytes).toString('utf8')) as Envelope;
  } catch (cause) {
    throw new AirlockError('policy', 'bad-envelope', `${what} is not valid JSON`, { cause });
  }
  if (typeof e?.payload !== 'string' || typeof e.payloadType !== 'string' || !Array.isArray(e.signatures)) {
    throw new AirlockError('policy', 'bad-envelope', `${what} is not a DSSE envelope (payload, payloadType, signatures)`);
  }
  return e;
}

/** Returns the payload bytes when some signature verifies with `key`, else undefined. */
export function openEnvelope(env: Envelope, key: KeyObject): Buffer | undefined {
  const body = Buffer.from(env.payload, 'base64');
  const data = pae(env.payloadType, body);
  return env.signatures.some((s) => verifyBytes(key, data, Buffer.from(s.sig, 'base64'))) ? body : undefined;
}

// ECDSA P-256 keys for signing: PKCS#8 PEM private keys (optionally encrypted) and SPKI PEM public keys.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { AirlockError } from '../errors.js';

/** A freshly generated key pair as PEM text. */
export interface KeyPairPem {
  privateKey: string;
  publicKey: string;
}

/** Generates an ECDSA P-256 key pair; the private key is encrypted (AES-256-CBC) when a passphrase is given. */
export function generateKeyPair(passphrase?: string): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const priv = passphrase
    ? privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    : privateKey.export({ type: 'pkcs8', format: 'pem' });
  return { privateKey: priv.toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

function checkCurve(key: KeyObject, file: string): KeyObject {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new AirlockError('usage', 'bad-key', `${file} is not an ECDSA P-256 key (found ${key.asymmetricKeyType ?? 'unknown'} ${key.asymmetricKeyDetails?.namedCurve ?? ''})`.trim(), {
      hint: "create one with 'airlock keygen'",
    });
  }
  return key;
}

/** Loads a private key PEM; `file` names it in errors. Encrypted keys need the passphrase. */
export function loadPrivateKey(pem: string | Buffer, file: string, passphrase?: string): KeyObject {
  const encrypted = String(pem).includes('ENCRYPTED');
  if (encrypted && !passphrase) {
    throw new AirlockError('usage', 'key-passphrase-needed', `private key ${file} is encrypted`, { hint: 'set AIRLOCK_KEY_PASSWORD to its passphrase' });
  }
  try {
    return checkCurve(createPrivateKey(encrypted ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' }), file);
  } catch (cause) {
    if (cause instanceof AirlockError) throw cause;
    throw new AirlockError('usage', 'bad-key', `cannot read private key ${file}${encrypted ? ' (wrong passphrase?)' : ''}`, {
      cause,
      hint: encrypted ? 'check AIRLOCK_KEY_PASSWORD' : 'expected a PKCS#8 or EC PEM private key from airlock keygen',
    });
  }
}

/** Loads a public key PEM (SPKI, as `cosign verify --key` takes); `file` names it in errors. */
export function loadPublicKey(pem: string | Buffer, file: string): KeyObject {
  try {
    const k = createPublicKey({ key: pem, format: 'pem' });
    return checkCurve(k, file);
  } catch (cause) {
    if (cause instanceof AirlockError) throw cause;
    throw new AirlockError('usage', 'bad-key', `cannot read public key ${file}`, { cause, hint: 'expected a PEM "PUBLIC KEY" file, e.g. airlock.pub' });
  }
}

/** ECDSA over SHA-256 of `data`, DER-encoded (what cosign and openssl dgst produce and verify). */
export function signBytes(key: KeyObject, data: Uint8Array): Buffer {
  return sign('sha256', data, { key, dsaEncoding: 'der' });
}

/** Verifies a DER ECDSA/SHA-256 signature; false for a bad or malformed signature. */
export function verifyBytes(key: KeyObject, data: Uint8Array, sig: Uint8Array): boolean {
  try {
    return verify('sha256', data, { key, dsaEncoding: 'der' }, sig);
  } catch {
    return false;
  }
}

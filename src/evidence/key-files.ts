// Reads key files from disk (the only I/O around keys), naming the file in every error.
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AirlockError } from '../errors.js';
import { loadPrivateKey, loadPublicKey } from './keys.js';

async function read(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new AirlockError('usage', 'key-not-found', `cannot read key file ${path}`, { cause, hint: "create a key pair with 'airlock keygen'" });
  }
}

/** Loads a private key file (`build --sign FILE`, `sign --key FILE`); `passphrase` is AIRLOCK_KEY_PASSWORD. */
export async function readPrivateKeyFile(path: string, passphrase?: string): Promise<KeyObject> {
  return loadPrivateKey(await read(path), path, passphrase || undefined);
}

/** Loads a public key file (`verify --key PUB`). */
export async function readPublicKeyFile(path: string): Promise<KeyObject> {
  return loadPublicKey(await read(path), path);
}

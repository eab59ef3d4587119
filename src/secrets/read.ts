// Reads the secrets' values from the host: the one place they enter airlock (held in memory only).
import { readFile } from 'node:fs/promises';
import type { SecretSpec } from '../config/types.js';
import { AirlockError } from '../errors.js';

/** A secret with its value. */
export interface SecretValue {
  id: string;
  value: Buffer;
}

/** The value of each secret, from the host environment `env` or a file; a missing or empty one is refused. */
export async function readSecretValues(specs: readonly SecretSpec[], env: NodeJS.ProcessEnv): Promise<SecretValue[]> {
  const out: SecretValue[] = [];
  for (const s of specs) {
    const from = 'env' in s.source ? `the environment variable ${s.source.env}` : `the file ${s.source.file}`;
    const value = 'env' in s.source
      ? env[s.source.env] === undefined ? undefined : Buffer.from(env[s.source.env]!)
      : await readFile(s.source.file).catch(() => undefined);
    if (value === undefined || value.length === 0) {
      const state = value ? 'empty' : 'not set or not readable';
      throw new AirlockError('usage', 'secret-missing', `secret \`${s.id}\`: ${from} is ${state}`, {
        location: `secrets (${s.id})`, hint: `set ${from.replace(/^the /, '')} before the build` });
    }
    out.push({ id: s.id, value });
  }
  return out;
}

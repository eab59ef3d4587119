// `airlock keygen`: writes an ECDSA P-256 key pair (PREFIX.key, PREFIX.pub) for signing images.
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AirlockError } from '../../errors.js';
import { generateKeyPair } from '../../evidence/keys.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';

const usage = 'airlock keygen [--out PREFIX]   (AIRLOCK_KEY_PASSWORD encrypts the private key)';

async function create(path: string, text: string, mode: number): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'wx', mode);
  } catch (cause) {
    const exists = (cause as NodeJS.ErrnoException).code === 'EEXIST';
    throw new AirlockError('usage', exists ? 'key-exists' : 'key-write-failed', exists ? `${path} already exists; keygen never overwrites a key` : `cannot create ${path}`, {
      cause,
      hint: exists ? 'choose another --out PREFIX or move the old key away' : 'check that the folder exists and is writable',
    });
  }
  try { await fh.writeFile(text); } finally { await fh.close(); }
}

export const command: Command = {
  name: 'keygen',
  summary: 'create an ECDSA P-256 key pair for signing (PREFIX.key, PREFIX.pub)',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parse('keygen', usage, argv, { out: { type: 'string' }, quiet: { type: 'boolean' } });
    if (positionals.length) throw new AirlockError('usage', 'bad-arguments', `keygen: unexpected argument '${positionals[0]}'`, { hint: `usage: ${usage}` });
    const prefix = resolve(ctx.cwd, values.out ?? 'airlock');
    const pass = ctx.env.AIRLOCK_KEY_PASSWORD || undefined;
    const kp = generateKeyPair(pass);
    // create both names first so a refusal leaves nothing half-written
    await create(`${prefix}.pub`, kp.publicKey, 0o644);
    try {
      await create(`${prefix}.key`, kp.privateKey, 0o600);
    } catch (e) {
      await import('node:fs/promises').then((f) => f.rm(`${prefix}.pub`, { force: true }));
      throw e;
    }
    ctx.log.info(`wrote ${prefix}.key (${pass ? 'encrypted with AIRLOCK_KEY_PASSWORD' : 'unencrypted: set AIRLOCK_KEY_PASSWORD to encrypt'}) and ${prefix}.pub`);
    ctx.stdout(`${prefix}.key\n${prefix}.pub\n`);
    return 0;
  },
};

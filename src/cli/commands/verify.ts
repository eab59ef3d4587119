// `airlock verify`: checks blobs, signature, payload digest, attestations and provenance packages offline.
import { resolve } from 'node:path';
import { AirlockError } from '../../errors.js';
import { readPublicKeyFile } from '../../evidence/key-files.js';
import { verifyImage } from '../../evidence/verify-image.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';
import { openStoreArg } from '../open-store.js';

const usage = 'airlock verify IMAGE --key PUB [--insecure]   (IMAGE: docker://HOST/REPO:TAG, oci:DIR[:TAG] or docker-archive:FILE)';

export const command: Command = {
  name: 'verify',
  summary: 'verify an image\'s signature, attestations and package evidence with a public key (exit 6 on failure)',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parse('verify', usage, argv, { key: { type: 'string' }, insecure: { type: 'boolean' }, quiet: { type: 'boolean' } });
    if (positionals.length !== 1 || !values.key) throw new AirlockError('usage', 'bad-arguments', 'verify: needs one IMAGE and --key PUB', { hint: `usage: ${usage}` });
    const keyPath = resolve(ctx.cwd, values.key);
    const key = await readPublicKeyFile(keyPath);
    const store = await openStoreArg(positionals[0]!, ctx, values);
    const r = await verifyImage(store, key, values.key);
    ctx.stdout(`verified ${store.where}@${r.digest}\n${r.checks.map((c) => `  ok ${c}`).join('\n')}\n`);
    return 0;
  },
};

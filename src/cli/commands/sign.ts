// `airlock sign`: signs an image the way cosign does and attaches its evidence as DSSE attestations.
import { resolve } from 'node:path';
import { AirlockError } from '../../errors.js';
import { readPrivateKeyFile } from '../../evidence/key-files.js';
import { saveSignedImage } from '../../evidence/save-signed.js';
import { signWithEvidence } from '../../evidence/sign-image.js';
import { layoutImageStore } from '../../sinks/layout-store.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';
import { openStoreArg } from '../open-store.js';

const usage = 'airlock sign IMAGE --key FILE [--insecure] [--name REPO] [--evidence DIR] [--save DIR]   (IMAGE: docker://HOST/REPO:TAG, oci:DIR[:TAG] or docker-archive:FILE)';

export const command: Command = {
  name: 'sign',
  summary: 'sign an image (cosign-compatible .sig) and attach SBOM/provenance/VEX attestations (.att)',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parse('sign', usage, argv, {
      key: { type: 'string' }, save: { type: 'string' }, insecure: { type: 'boolean' }, name: { type: 'string' }, evidence: { type: 'string' }, quiet: { type: 'boolean' },
    });
    if (positionals.length !== 1 || !values.key) throw new AirlockError('usage', 'bad-arguments', 'sign: needs one IMAGE and --key FILE', { hint: `usage: ${usage}` });
    const key = await readPrivateKeyFile(resolve(ctx.cwd, values.key), ctx.env.AIRLOCK_KEY_PASSWORD);
    const store = await openStoreArg(positionals[0]!, ctx, values);
    const r = await signWithEvidence(store, key, values.evidence && resolve(ctx.cwd, values.evidence));
    ctx.log.info(`signed ${store.where}@${r.digest}`);
    if (values.save) {
      const dir = resolve(ctx.cwd, values.save);
      await saveSignedImage(store, await layoutImageStore(dir));
      ctx.log.info(`saved the image with its signature and attestations to ${dir} (cosign --local-image layout)`);
    }
    ctx.stdout(`${r.digest}\n${r.signatureTag}\n${r.attestationTag ? `${r.attestationTag} (${r.attestations.join(', ')})\n` : ''}`);
    return 0;
  },
};

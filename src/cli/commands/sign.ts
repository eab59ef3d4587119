// `airlock sign`: signs an image the way cosign does and attaches its evidence as DSSE attestations.
import { resolve } from 'node:path';
import { AirlockError } from '../../errors.js';
import { readPrivateKeyFile } from '../../evidence/key-files.js';
import { evidenceStatements, signImage } from '../../evidence/sign-image.js';
import { openImageStore } from '../../evidence/store/open.js';
import { readDockerArchive } from '../../sinks/docker-archive.js';
import { saveSignedLayout } from '../../evidence/store/save-layout.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';

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
    const keyPath = resolve(ctx.cwd, values.key);
    const key = await readPrivateKeyFile(keyPath, ctx.env.AIRLOCK_KEY_PASSWORD);
    const store = openImageStore(positionals[0]!, { insecure: values.insecure ?? false, cwd: ctx.cwd, readArchive: readDockerArchive, ...(values.name ? { repository: values.name } : {}) });
    const statements = values.evidence
      ? await evidenceStatements(resolve(ctx.cwd, values.evidence), store.repository, (await store.resolve()).digest)
      : [];
    const r = await signImage(store, key, statements);
    ctx.log.info(`signed ${store.where}@${r.digest}`);
    if (values.save) {
      const dir = resolve(ctx.cwd, values.save);
      await saveSignedLayout(store, dir);
      ctx.log.info(`saved the image with its signature and attestations to ${dir} (cosign --local-image layout)`);
    }
    ctx.stdout(`${r.digest}\n${r.signatureTag}\n${r.attestationTag ? `${r.attestationTag} (${r.attestations.join(', ')})\n` : ''}`);
    return 0;
  },
};

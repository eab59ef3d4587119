// `airlock verify`: checks blobs, signature, payload digest, attestations and provenance packages offline.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AirlockError } from '../../errors.js';
import { readPublicKeyFile } from '../../evidence/key-files.js';
import { verifyImage, type SbomFile } from '../../evidence/verify-image.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';
import { openStoreArg } from '../open-store.js';

const usage = 'airlock verify IMAGE --key PUB [--sbom FILE]... [--platform P] [--insecure]'
  + '   (IMAGE: docker://HOST/REPO:TAG, oci:DIR[:TAG] or docker-archive:FILE)';

export const command: Command = {
  name: 'verify',
  summary: 'verify an image\'s signature, attestations and package evidence (SBOMs, provenance) with a public key'
    + ' (exit 6 on failure)',
  usage,
  async run(argv, ctx) {
    const options = {
      key: { type: 'string' }, sbom: { type: 'string', multiple: true },
      insecure: { type: 'boolean' }, quiet: { type: 'boolean' }, platform: { type: 'string' },
    } as const;
    const { values, positionals } = parse('verify', usage, argv, options);
    if (positionals.length !== 1 || !values.key) throw new AirlockError('usage', 'bad-arguments', 'verify: needs one IMAGE and --key PUB', { hint: `usage: ${usage}` });
    const keyPath = resolve(ctx.cwd, values.key);
    const key = await readPublicKeyFile(keyPath);
    const store = await openStoreArg(positionals[0]!, ctx, values);
    const sboms = await Promise.all((values.sbom ?? []).map((f) => readSbomFile(f, ctx.cwd)));
    const r = await verifyImage(store, key, values.key, sboms);
    ctx.stdout(`verified ${store.where}@${r.digest}\n${r.checks.map((c) => `  ok ${c}`).join('\n')}\n`);
    return 0;
  },
};

/** An SPDX or CycloneDX JSON file given with --sbom (a file that is neither is a usage error). */
async function readSbomFile(file: string, cwd: string): Promise<SbomFile> {
  let doc: { spdxVersion?: unknown; bomFormat?: unknown };
  try {
    doc = JSON.parse(await readFile(resolve(cwd, file), 'utf8'));
  } catch (cause) {
    const why = (cause as Error).message;
    throw new AirlockError('usage', 'bad-sbom', `--sbom ${file}: cannot read it as JSON: ${why}`, { cause });
  }
  const kind = doc?.spdxVersion ? 'spdx' : doc?.bomFormat === 'CycloneDX' ? 'cyclonedx' : undefined;
  if (!kind) {
    throw new AirlockError('usage', 'bad-sbom', `--sbom ${file}: neither an SPDX nor a CycloneDX JSON document`, {
      hint: 'give an SBOM airlock wrote, e.g. OUT/evidence/prod.spdx.json',
    });
  }
  return { file, kind, doc };
}

// `airlock vex`: OpenVEX for the prod image from a Trivy/Grype scan of the dev image.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AirlockError } from '../../errors.js';
import { imageDistro, imagePackages } from '../../evidence/image-packages.js';
import { parseScanReport } from '../../evidence/scan-report.js';
import { resolveManifest } from '../../evidence/stored-manifest.js';
import { vexJson } from '../../evidence/vex.js';
import { writeFileAtomic } from '../../files/atomic.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';
import { openStoreArg } from '../open-store.js';

const usage = 'airlock vex --scan REPORT PROD-IMAGE [--out FILE] [--insecure] [--name REPO] [--distro ID-VERSION (default: from the image os-release)]';

export const command: Command = {
  name: 'vex',
  summary: 'write OpenVEX for the prod image from a Trivy/Grype JSON scan of the dev image',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parse('vex', usage, argv, {
      scan: { type: 'string' }, out: { type: 'string' }, insecure: { type: 'boolean' }, name: { type: 'string' }, distro: { type: 'string' }, quiet: { type: 'boolean' },
    });
    if (positionals.length !== 1 || !values.scan) throw new AirlockError('usage', 'bad-arguments', 'vex: needs --scan REPORT and one IMAGE', { hint: `usage: ${usage}` });
    const reportPath = resolve(ctx.cwd, values.scan);
    const text = await readFile(reportPath, 'utf8').catch((cause: unknown) => {
      throw new AirlockError('usage', 'scan-not-found', `cannot read scan report ${reportPath}`, { cause, hint: 'pass `trivy image -f json` or `grype -o json` output of the dev image' });
    });
    const { findings } = parseScanReport(text, reportPath);
    const store = await openStoreArg(positionals[0]!, ctx, values);
    const m = await resolveManifest(store);
    const manifest = JSON.parse(m.bytes.toString('utf8')) as { config?: { digest: string }; layers?: { digest: string }[] };
    if (!manifest.config || !manifest.layers) throw new AirlockError('usage', 'unsupported-manifest', `${store.where} is an index; pass one platform's prod image`);
    const config = JSON.parse((await store.blob(manifest.config.digest)).toString('utf8')) as { created?: string };
    const created = config.created ? Math.floor(Date.parse(config.created) / 1000) : 0;
    const layers = await Promise.all(manifest.layers.map((l) => store.blob(l.digest)));
    const prodPackages = await imagePackages(layers, store.where);
    const doc = vexJson({
      findings,
      image: { name: store.repository, digest: m.digest },
      prodPackages,
      epoch: Number.isFinite(created) && created > 0 ? created : 0,
      distro: values.distro ?? (await imageDistro(layers, store.where)) ?? 'debian-12',
    });
    if (values.out) {
      await writeFileAtomic(resolve(ctx.cwd, values.out), doc);
      ctx.log.info(`wrote ${values.out} (${findings.length} finding(s), ${prodPackages.length} prod package(s))`);
    } else {
      ctx.stdout(doc);
    }
    return 0;
  },
};

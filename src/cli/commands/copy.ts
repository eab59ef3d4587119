// `airlock copy SRC DST`: copies an image between an OCI layout, a docker-archive and a registry, keeping its digest.
import { AirlockError, ExitCode } from '../../errors.js';
import { openImage, openImageIndex, writeImage, writeImageIndex } from '../../sinks/open-image.js';
import { formatPlatform, parsePlatform } from '../../image/platform.js';
import { formatRef, parseRef, type ImageRef } from '../../sinks/ref.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';

const usage = 'airlock copy SRC DST [--insecure] [--name REPO:TAG] [--platform P]   (SRC/DST: oci:DIR[:TAG], docker-archive:FILE, docker://HOST[:PORT]/REPO[:TAG|@DIGEST])';

/** The name a docker-archive records: --name, else the source's repo:tag, else none. */
function archiveName(src: ImageRef, name: string | undefined): string[] {
  if (name) return [name];
  if (src.kind === 'registry' && src.tag) return [`${src.repo}:${src.tag}`];
  if (src.kind === 'oci' && src.tag && /^[a-z0-9._/-]+:[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(src.tag)) return [src.tag];
  return [];
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('copy', usage, argv, { insecure: { type: 'boolean' }, name: { type: 'string' }, platform: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } });
  if (positionals.length !== 2) throw new AirlockError('usage', 'bad-arguments', `copy takes SRC and DST, got ${positionals.length} argument(s)`, { hint: `usage: ${usage}` });
  const src = parseRef(positionals[0]!, ctx.cwd);
  const dst = parseRef(positionals[1]!, ctx.cwd);
  const sameRegistry = src.kind === 'registry' && dst.kind === 'registry' && src.host === dst.host && src.repo !== dst.repo;
  const io = { insecure: values.insecure ?? false, env: ctx.env, log: ctx.log, repoTags: archiveName(src, values.name), ...(sameRegistry ? { mountFrom: src.repo } : {}) };
  const platform = values.platform !== undefined ? parsePlatform(values.platform) : undefined;
  // A multi-platform index is copied whole (every image, then the index), unless --platform picks one image of it.
  const ix = platform === undefined ? await openImageIndex(src, io) : undefined;
  if (ix) {
    const platforms = ix.index.manifests.map((d) => (d.platform ? formatPlatform(d.platform) : d.digest)).join(', ');
    ctx.log.info(`copying ${formatRef(src)} (index ${ix.digest}: ${platforms}) to ${formatRef(dst)}`);
    ctx.stdout(`${await writeImageIndex(dst, ix, io)}\n`);
    return ExitCode.ok;
  }
  const img = await openImage(src, { ...io, ...(platform !== undefined ? { platform } : {}) });
  ctx.log.info(`copying ${formatRef(src)} (${img.digest}, ${img.layers.length} layer${img.layers.length === 1 ? '' : 's'}) to ${formatRef(dst)}`);
  const digest = await writeImage(dst, img, io);
  ctx.stdout(`${digest}\n`);
  return ExitCode.ok;
}

export const command: Command = {
  name: 'copy',
  summary: 'copy an image between an OCI layout, a docker-archive and a registry (digest preserved)',
  usage,
  run,
};

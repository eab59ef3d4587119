// `airlock inspect IMAGE [--json]`: manifest digest, config summary, layers with sizes, totals and file count.
import { AirlockError, ExitCode } from '../../errors.js';
import { summarizeImage, type ImageSummary } from '../../image/summary.js';
import { openImage, openImageIndex } from '../../sinks/open-image.js';
import { formatPlatform, parsePlatform } from '../../image/platform.js';
import { formatRef, parseRef } from '../../sinks/ref.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';

const usage = 'airlock inspect IMAGE [--platform P] [--json] [--insecure]   (IMAGE: oci:DIR[:TAG], docker-archive:FILE, docker://HOST[:PORT]/REPO[:TAG|@DIGEST])';

/** Bytes as a short human-readable size. */
export function humanSize(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** Renders a summary as text. */
export function formatSummary(ref: string, s: ImageSummary): string {
  const c = s.config;
  const lines = [
    `image:        ${ref}`,
    `digest:       ${s.digest}`,
    `media type:   ${s.mediaType}`,
    `config:       ${s.configDigest}`,
    `platform:     ${s.os}/${s.architecture}`,
  ];
  if (s.created) lines.push(`created:      ${s.created}`);
  if (c.User !== undefined) lines.push(`user:         ${c.User}`);
  if (c.Entrypoint) lines.push(`entrypoint:   ${JSON.stringify(c.Entrypoint)}`);
  if (c.Cmd) lines.push(`cmd:          ${JSON.stringify(c.Cmd)}`);
  if (c.WorkingDir) lines.push(`workdir:      ${c.WorkingDir}`);
  if (c.ExposedPorts?.length) lines.push(`ports:        ${c.ExposedPorts.join(', ')}`);
  for (const e of c.Env ?? []) lines.push(`env:          ${e}`);
  for (const [k, v] of Object.entries(c.Labels ?? {})) lines.push(`label:        ${k}=${v}`);
  for (const [k, v] of Object.entries(s.annotations ?? {})) lines.push(`annotation:   ${k}=${v}`);
  lines.push('', `layers (${s.layers.length}):`);
  s.layers.forEach((l, i) => lines.push(`  ${String(i + 1).padStart(2)}  ${l.digest}  ${humanSize(l.size).padStart(10)}  ${humanSize(l.uncompressedSize).padStart(10)} uncompressed  ${l.files} entries`));
  lines.push('', `total:        ${humanSize(s.totalSize)} compressed, ${humanSize(s.totalUncompressedSize)} uncompressed, ${s.fileCount} entries`);
  return lines.join('\n') + '\n';
}

/** Renders a multi-platform index: its digest, then each platform's image on a line. */
export function formatIndex(ref: string, digest: string, mediaType: string, platforms: (ImageSummary & { platform: string })[]): string {
  const lines = [`image:        ${ref}`, `digest:       ${digest}`, `media type:   ${mediaType}`, '', `platforms (${platforms.length}):`];
  for (const p of platforms) {
    lines.push(`  ${p.platform.padEnd(16)}  ${p.digest}  ${humanSize(p.totalSize).padStart(10)}  ${humanSize(p.totalUncompressedSize).padStart(10)} uncompressed  ${p.fileCount} entries`);
  }
  lines.push('', 'one platform in full: --platform OS/ARCH, e.g. --platform linux/arm64');
  return lines.join('\n') + '\n';
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('inspect', usage, argv, { json: { type: 'boolean' }, insecure: { type: 'boolean' }, platform: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } });
  if (positionals.length !== 1) throw new AirlockError('usage', 'bad-arguments', `inspect takes one image, got ${positionals.length}`, { hint: `usage: ${usage}` });
  const ref = parseRef(positionals[0]!, ctx.cwd);
  const io = { insecure: values.insecure ?? false, env: ctx.env, log: ctx.log };
  const platform = values.platform !== undefined ? parsePlatform(values.platform) : undefined;
  // A multi-platform index without --platform: its platforms, one line each.
  const ix = platform === undefined ? await openImageIndex(ref, io) : undefined;
  if (ix) {
    const platforms = [];
    for (const [i, d] of ix.index.manifests.entries()) platforms.push({ platform: d.platform ? formatPlatform(d.platform) : 'unknown', ...(await summarizeImage(ix.images[i]!)) });
    if (values.json) ctx.stdout(`${JSON.stringify({ image: positionals[0], digest: ix.digest, mediaType: ix.index.mediaType, platforms }, null, 2)}\n`);
    else ctx.stdout(formatIndex(formatRef(ref), ix.digest, ix.index.mediaType, platforms));
    return ExitCode.ok;
  }
  const img = await openImage(ref, { ...io, ...(platform !== undefined ? { platform } : {}) });
  const summary = await summarizeImage(img);
  ctx.stdout(values.json ? `${JSON.stringify({ image: positionals[0], ...summary }, null, 2)}\n` : formatSummary(formatRef(ref), summary));
  return ExitCode.ok;
}

export const command: Command = {
  name: 'inspect',
  summary: 'show an image: digest, config, layers with sizes, totals and file count',
  usage,
  run,
};

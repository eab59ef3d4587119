// `airlock diff IMAGE_A IMAGE_B`: files, Debian packages and size added/removed from A to B.
import { AirlockError, ExitCode } from '../../errors.js';
import { diffImages, type ImageDiff } from '../../gates/diff.js';
import { imageFsFromImage } from '../../gates/from-image.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { limitsFrom, openImageRef } from './audit.js';

const usage = 'airlock diff IMAGE_A IMAGE_B [--json] [--insecure] [--files-limit N] [--max-bytes N] [--max-entries N]   (IMAGE: oci:DIR[:TAG], docker-archive:FILE or docker://HOST/REPO:TAG)';

const human = (n: number) => {
  const a = Math.abs(n);
  const s = a >= 1024 ** 2 ? `${(a / 1024 ** 2).toFixed(1)} MiB` : a >= 1024 ? `${(a / 1024).toFixed(1)} KiB` : `${a} B`;
  return n < 0 ? `-${s}` : s;
};

/** Renders a diff as text: package lists, file lists (at most `limit` per list) and a size summary. */
export function formatDiff(d: ImageDiff, a: string, b: string, limit: number): string {
  const out: string[] = [`--- ${a}`, `+++ ${b}`, ''];
  const pk = d.packages;
  out.push(`packages: +${pk.added.length} -${pk.removed.length} ~${pk.changed.length}`);
  for (const p of pk.added) out.push(`  + ${p.name} ${p.version} (${p.architecture})`);
  for (const p of pk.removed) out.push(`  - ${p.name} ${p.version} (${p.architecture})`);
  for (const p of pk.changed) out.push(`  ~ ${p.name} ${p.versionBefore} -> ${p.version} (${p.architecture})`);
  const f = d.files;
  out.push('', `files: +${f.added.length} -${f.removed.length} ~${f.changed.length}`);
  const list = (sign: string, l: { path: string; type: string; size: number; what?: string }[]) => {
    for (const x of l.slice(0, limit)) out.push(`  ${sign} /${x.path}${x.type === 'dir' ? '/' : ''}${x.type === 'file' ? `  ${human(x.size)}` : x.type === 'symlink' ? ' (symlink)' : ''}${x.what ? `  (${x.what})` : ''}`);
    if (l.length > limit) out.push(`  … ${l.length - limit} more (use --files-limit or --json)`);
  };
  list('+', f.added);
  list('-', f.removed);
  list('~', f.changed);
  out.push('', `size: ${human(d.size.a)} -> ${human(d.size.b)} (${d.size.delta >= 0 ? '+' : ''}${human(d.size.delta)}; added ${human(d.size.added)}, removed ${human(d.size.removed)})`);
  return out.join('\n') + '\n';
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('diff', usage, argv, {
    json: { type: 'boolean' }, insecure: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
    'files-limit': { type: 'string' }, 'max-bytes': { type: 'string' }, 'max-entries': { type: 'string' },
  });
  if (positionals.length !== 2) throw new AirlockError('usage', 'bad-arguments', `diff takes two images, got ${positionals.length}`, { hint: `usage: ${usage}` });
  const limitText = values['files-limit'] ?? '200';
  if (!/^\d+$/.test(limitText)) throw new AirlockError('usage', 'bad-arguments', `--files-limit "${limitText}" is not a number`, { hint: `usage: ${usage}` });
  const limits = limitsFrom(values);
  const [refA, refB] = positionals as [string, string];
  const open = async (ref: string) => imageFsFromImage(await openImageRef(ref, { insecure: values.insecure ?? false, cwd: ctx.cwd, env: ctx.env, log: ctx.log }), limits);
  const [a, b] = [await open(refA), await open(refB)];
  const d = await diffImages(a, b);
  ctx.stdout(values.json ? JSON.stringify({ a: refA, b: refB, ...d }, null, 2) + '\n' : formatDiff(d, refA, refB, Number(limitText)));
  return ExitCode.ok;
}

export const command: Command = {
  name: 'diff',
  summary: 'compare two images: files, Debian packages and size added or removed',
  usage,
  run,
};

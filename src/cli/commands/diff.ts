// `airlock diff IMAGE_A IMAGE_B`: files, Debian packages and size added/removed from A to B; for an airlock prod
// among them, which missing files its slicing left out of which package and why (from its build's why.json).
import { resolve } from 'node:path';
import { AirlockError, ExitCode } from '../../errors.js';
import { diffImages, type FileChange, type ImageDiff } from '../../gates/diff.js';
import { imageFsFromImage } from '../../gates/from-image.js';
import { openImage } from '../../sinks/open-image.js';
import { parsePlatform } from '../../image/platform.js';
import { parseRef } from '../../sinks/ref.js';
import { findTrace } from '../../why/load.js';
import type { WhySlicing } from '../../why/record.js';
import { labelSliced, tallySliced, type SlicedTally } from '../../why/slicing-diff.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { limitsFrom } from './audit.js';
import { folderOf } from './why.js';

const usage = 'airlock diff IMAGE_A IMAGE_B [--platform P] [--json] [--out DIR] [--insecure] [--files-limit N] [--max-bytes N] '
  + '[--max-entries N]   (IMAGE: oci:DIR[:TAG], docker-archive:FILE or docker://HOST/REPO:TAG)';

const human = (n: number) => {
  const a = Math.abs(n);
  const kib = a >= 1024 ? `${(a / 1024).toFixed(1)} KiB` : `${a} B`;
  const s = a >= 1024 ** 2 ? `${(a / 1024 ** 2).toFixed(1)} MiB` : kib;
  return n < 0 ? `-${s}` : s;
};

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The slicing lines under the file lists: how many of a list's files slicing left out, by package and reason. */
function slicingLines(t: SlicedTally, head: (files: string) => string, reasonNo: Map<string, number>): string[] {
  const out = [`slicing: ${head(`${plural(t.files, 'file')} (${human(t.bytes)})`)}:`];
  for (const p of t.packages) out.push(`  ${p.name}: ${plural(p.files, 'file')}, ${human(p.bytes)}`);
  for (const r of t.reasons) out.push(`  [${reasonNo.get(r.reason)}] ${plural(r.files, 'file')}: ${r.reason}`);
  return out;
}

/** Renders a diff as text: package lists, file lists (at most `limit` per list) and a size summary. */
export function formatDiff(d: ImageDiff, a: string, b: string, limit: number): string {
  const out: string[] = [`--- ${a}`, `+++ ${b}`, ''];
  const pk = d.packages;
  out.push(`packages: +${pk.added.length} -${pk.removed.length} ~${pk.changed.length}`);
  for (const p of pk.added) out.push(`  + ${p.name} ${p.version} (${p.architecture})`);
  for (const p of pk.removed) out.push(`  - ${p.name} ${p.version} (${p.architecture})`);
  for (const p of pk.changed) out.push(`  ~ ${p.name} ${p.versionBefore} -> ${p.version} (${p.architecture})`);
  const f = d.files;
  // Reasons are long and shared by many files: each file names its reason by number, the tally spells it out.
  const removedCut = tallySliced(f.removed);
  const addedCut = tallySliced(f.added);
  const reasonNo = new Map<string, number>();
  for (const r of [...(removedCut?.reasons ?? []), ...(addedCut?.reasons ?? [])]) {
    if (!reasonNo.has(r.reason)) reasonNo.set(r.reason, reasonNo.size + 1);
  }
  out.push('', `files: +${f.added.length} -${f.removed.length} ~${f.changed.length}`);
  const list = (sign: string, l: FileChange[]) => {
    for (const x of l.slice(0, limit)) {
      const kind = x.type === 'file' ? `  ${human(x.size)}` : x.type === 'symlink' ? ' (symlink)' : '';
      const what = x.what ? `  (${x.what})` : '';
      const cut = x.sliced ? `  (sliced out of ${x.sliced.package} [${reasonNo.get(x.sliced.reason)}])` : '';
      out.push(`  ${sign} /${x.path}${x.type === 'dir' ? '/' : ''}${kind}${what}${cut}`);
    }
    if (l.length > limit) out.push(`  … ${l.length - limit} more (use --files-limit or --json)`);
  };
  list('+', f.added);
  list('-', f.removed);
  list('~', f.changed);
  if (removedCut) {
    const head = (n: string) => `${n} of the removed are ones ${b}'s slicing left out of its Debian packages`;
    out.push('', ...slicingLines(removedCut, head, reasonNo));
  }
  if (addedCut) {
    const head = (n: string) => `${n} of the added are ones ${a}'s slicing left out, which ${b} holds`;
    out.push('', ...slicingLines(addedCut, head, reasonNo));
  }
  const s = d.size;
  const delta = `${s.delta >= 0 ? '+' : ''}${human(s.delta)}`;
  out.push('', `size: ${human(s.a)} -> ${human(s.b)} (${delta}; added ${human(s.added)}, removed ${human(s.removed)})`);
  return out.join('\n') + '\n';
}

/** Labels the files one image lacks that its slicing left out: B's record for removed files, A's for added ones. */
export function withSlicing(d: ImageDiff, a: WhySlicing | undefined, b: WhySlicing | undefined): ImageDiff {
  if (!a && !b) return d;
  const files = { ...d.files, removed: labelSliced(d.files.removed, b), added: labelSliced(d.files.added, a) };
  return { ...d, files };
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('diff', usage, argv, {
    json: { type: 'boolean' }, insecure: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
    out: { type: 'string', short: 'o' }, platform: { type: 'string' },
    'files-limit': { type: 'string' }, 'max-bytes': { type: 'string' }, 'max-entries': { type: 'string' },
  });
  const bad = (message: string) => new AirlockError('usage', 'bad-arguments', message, { hint: `usage: ${usage}` });
  if (positionals.length !== 2) throw bad(`diff takes two images, got ${positionals.length}`);
  const limitText = values['files-limit'] ?? '200';
  if (!/^\d+$/.test(limitText)) throw bad(`--files-limit "${limitText}" is not a number`);
  const limits = limitsFrom(values);
  const [refA, refB] = positionals as [string, string];
  const io = { insecure: values.insecure ?? false, env: ctx.env, log: ctx.log, ...(values.platform !== undefined ? { platform: parsePlatform(values.platform) } : {}) };
  const extra = values.out ? [resolve(ctx.cwd, values.out)] : [];
  // Each image with the slicing record of its build, when it is the prod of outputs beside it (or in --out).
  const open = async (text: string) => {
    const ref = parseRef(text, ctx.cwd);
    const img = await openImage(ref, io);
    const dirs = [folderOf(ref), ...extra].filter((d): d is string => d !== undefined);
    const found = await findTrace(img.digest, dirs);
    // Only prod is sliced: the record's slicing says nothing about a dev or test image of the same build.
    const slicing = found?.variant === 'prod' ? found.trace.record.slicing : undefined;
    return { fs: await imageFsFromImage(img, limits), slicing };
  };
  const [a, b] = [await open(refA), await open(refB)];
  const d = withSlicing(await diffImages(a.fs, b.fs), a.slicing, b.slicing);
  const text = values.json ? JSON.stringify({ a: refA, b: refB, ...d }, null, 2) + '\n' : undefined;
  ctx.stdout(text ?? formatDiff(d, refA, refB, Number(limitText)));
  return ExitCode.ok;
}

export const command: Command = {
  name: 'diff',
  summary: 'compare two images: files, Debian packages and size added or removed (and what slicing left out)',
  usage,
  run,
};

// `airlock cache du|prune`: the size of the airlock cache by kind, and removal of what was least recently used.
import { defaultCacheDir } from '../../debian/cache.js';
import { AirlockError, ExitCode } from '../../errors.js';
import { cacheUsage, type CacheUsage } from '../../cache/du.js';
import { USAGE_KINDS } from '../../cache/layout.js';
import { pruneCache, type PruneReport } from '../../cache/prune.js';
import { verifyCache, type VerifyReport } from '../../cache/verify.js';
import { keepDaysArgument, maxSizeArgument } from '../../cache/size.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { humanSize } from './inspect.js';

const usage = 'airlock cache du [--json] | airlock cache prune [--keep-days N] [--max-size SIZE] [--dry-run] [--json]'
  + ' | airlock cache verify [--dry-run] [--json]'
  + '   (SIZE: bytes, 500M, 2G (powers of 1024), 800MB (1000), 1.5GiB; prune without either: --keep-days 30)';

/** Default age limit when prune is given neither limit. */
export const DEFAULT_KEEP_DAYS = 30;

/** The `du` table: one line per kind, then the total. */
export function formatUsage(cacheDir: string, u: CacheUsage): string {
  const rows = [...USAGE_KINDS.map((k) => [k, u.kinds[k]] as const), ['total', u.total] as const];
  return `${cacheDir}\n${rows.map(([k, n]) => `  ${k.padEnd(10)} ${humanSize(n).padStart(10)}`).join('\n')}\n`;
}

/** What prune did, in a few lines. */
export function formatPrune(r: PruneReport): string {
  const verb = r.dryRun ? 'would remove' : 'removed';
  const byKind = new Map<string, number>();
  for (const e of r.removed) byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([k, n]) => `${k} ${n}`).join(', ');
  const freed = r.removed.reduce((n, e) => n + e.size, 0);
  const lines = [`${verb} ${r.removed.length} entries, ${humanSize(freed)}${kinds ? ` (${kinds})` : ''}`];
  if (r.temps.count) lines.push(`${verb} ${r.temps.count} temp files of finished runs, ${humanSize(r.temps.bytes)}`);
  const builds = `${r.held.builds} running build${r.held.builds === 1 ? '' : 's'}`;
  if (r.held.count) lines.push(`kept ${r.held.count} entries, ${humanSize(r.held.bytes)}, in use by ${builds}`);
  const limit = r.maxSize === null ? '' : r.fits ? ` (within ${humanSize(r.maxSize)})`
    : ` (over ${humanSize(r.maxSize)}: entries in use, apt lists and language caches are never pruned)`;
  lines.push(`cache ${humanSize(r.before)} → ${humanSize(r.after)}${limit}`);
  return `${lines.join('\n')}\n`;
}

/** What verify found, in a few lines. */
export function formatVerify(r: VerifyReport): string {
  const lines = [`checked ${r.checked} entries, ${humanSize(r.bytes)} hashed: ${r.bad.length} bad`];
  const verb = r.removed ? 'removed' : 'would remove';
  for (const b of r.bad) lines.push(`  ${verb} ${b.path} (${b.kind}): ${b.problem}`);
  return `${lines.join('\n')}\n`;
}

async function verify(cacheDir: string, values: { json?: boolean; 'dry-run'?: boolean }, ctx: CommandContext) {
  const report = await verifyCache(cacheDir, { dryRun: values['dry-run'] ?? false });
  ctx.stdout(values.json ? `${JSON.stringify({ cache: cacheDir, ...report }, null, 2)}\n` : formatVerify(report));
  if (report.bad.length === 0) return ExitCode.ok;
  const what = `${report.bad.length} cache entr${report.bad.length === 1 ? 'y' : 'ies'}`;
  const done = report.removed ? 'were removed (builds fetch or rebuild them)' : 'are damaged (--dry-run: kept)';
  throw new AirlockError('packages', 'cache-corrupt', `${what} in ${cacheDir} failed verification and ${done}`, {
    hint: report.removed ? 'run `airlock cache verify` again to confirm the cache is sound' : 'rerun without --dry-run',
  });
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('cache', usage, argv, {
    json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
    'keep-days': { type: 'string' }, 'max-size': { type: 'string' },
  });
  const [action, ...extra] = positionals;
  if (!['du', 'prune', 'verify'].includes(action ?? '') || extra.length) {
    const got = positionals.length ? `'${positionals.join(' ')}'` : 'nothing';
    const hint = `usage: ${usage}`;
    throw new AirlockError('usage', 'bad-arguments', `cache: expected 'du', 'prune' or 'verify', got ${got}`, { hint });
  }
  const cacheDir = defaultCacheDir(ctx.env);
  if (action === 'verify') {
    if (values['keep-days'] !== undefined || values['max-size'] !== undefined) {
      const hint = `usage: ${usage}`;
      throw new AirlockError('usage', 'bad-arguments', 'cache verify takes only --dry-run and --json', { hint });
    }
    return verify(cacheDir, values, ctx);
  }
  if (action === 'du') {
    if (values['keep-days'] !== undefined || values['max-size'] !== undefined || values['dry-run']) {
      throw new AirlockError('usage', 'bad-arguments', 'cache du takes only --json', { hint: `usage: ${usage}` });
    }
    const u = cacheUsage(cacheDir);
    ctx.stdout(values.json ? `${JSON.stringify({ cache: cacheDir, ...u }, null, 2)}\n` : formatUsage(cacheDir, u));
    return ExitCode.ok;
  }
  const maxSize = values['max-size'] !== undefined ? maxSizeArgument(values['max-size']) : undefined;
  const given = values['keep-days'] !== undefined ? keepDaysArgument(values['keep-days']) : undefined;
  const keepDays = given ?? (maxSize === undefined ? DEFAULT_KEEP_DAYS : undefined);
  const limits = { ...(keepDays !== undefined ? { keepDays } : {}), ...(maxSize !== undefined ? { maxSize } : {}) };
  const report = await pruneCache(cacheDir, { dryRun: values['dry-run'] ?? false, now: Date.now(), ...limits });
  ctx.stdout(values.json ? `${JSON.stringify({ cache: cacheDir, ...report }, null, 2)}\n` : formatPrune(report));
  return ExitCode.ok;
}

export const command: Command = {
  name: 'cache',
  summary: 'the airlock cache: its size (du), removing the least recently used (prune), checking every entry (verify)',
  usage,
  run,
};

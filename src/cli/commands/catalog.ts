// `airlock catalog REPO`: released versions, where the convenience tags point, dev tags with their ages.
import { AirlockError, ExitCode } from '../../errors.js';
import { clientFor } from '../../sinks/open-image.js';
import { readCatalog, type Catalog } from '../../release/catalog.js';
import { formatAge } from '../../release/duration.js';
import { parseRepoName } from '../../release/repo-name.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';

const usage = 'airlock catalog REGISTRY/NAME [--json] [--insecure]';

const short = (d: string) => `${d.slice(0, 19)}…`;

/** The catalog as three short tables. */
function formatCatalog(c: Catalog): string {
  const lines = [`${c.repository}`, '', 'releases:'];
  if (!c.releases.length) lines.push('  (none)');
  for (const r of c.releases) {
    const signed = r.signed ? 'signed' : 'unsigned';
    lines.push(`  ${r.version.padEnd(14)} ${short(r.digest)}  ${r.created ?? 'no date'}  ${signed}`);
  }
  lines.push('', 'tags:');
  if (!c.convenience.length) lines.push('  (none)');
  for (const p of c.convenience) lines.push(`  ${p.tag.padEnd(14)} → ${p.version ?? short(p.digest)}`);
  lines.push('', 'dev:');
  if (!c.dev.length) lines.push('  (none)');
  for (const d of c.dev) {
    const age = d.ageSeconds === undefined ? 'no date' : `${formatAge(d.ageSeconds * 1000)} old`;
    lines.push(`  ${d.tag.padEnd(14)} ${short(d.digest)}  ${age}`);
  }
  if (c.other.length) lines.push('', `other tags: ${c.other.join(', ')}`);
  return lines.join('\n') + '\n';
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('catalog', usage, argv, {
    json: { type: 'boolean' }, insecure: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
  });
  if (positionals.length !== 1) {
    const message = `catalog takes one repository, got ${positionals.length}`;
    throw new AirlockError('usage', 'bad-arguments', message, { hint: `usage: ${usage}` });
  }
  const { host, repo } = parseRepoName(positionals[0]!, 'REPO');
  const client = clientFor(host, { insecure: values.insecure ?? false, env: ctx.env, log: ctx.log });
  const catalog = await readCatalog(client, repo, new Date());
  ctx.stdout(values.json ? `${JSON.stringify(catalog, null, 2)}\n` : formatCatalog(catalog));
  return ExitCode.ok;
}

export const command: Command = {
  name: 'catalog',
  summary: 'list a repository: released versions (digest, date, signed), convenience tags, dev tags by age',
  usage,
  run,
};

// `airlock gc REPO/dev --older-than 7d`: deletes old dev images through the registry API.
import { AirlockError, ExitCode } from '../../errors.js';
import { clientFor } from '../../sinks/open-image.js';
import { formatAge, parseDuration } from '../../release/duration.js';
import { collectGarbage, type GcResult } from '../../release/gc.js';
import { parseRepoName } from '../../release/repo-name.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';

const usage = 'airlock gc REGISTRY/NAME/dev --older-than DURATION [--dry-run] [--insecure] [--json]'
  + '   (DURATION: 7d, 36h, 1w2d)';

function formatGc(r: GcResult): string {
  const dry = r.dryRun ? ' (dry run)' : '';
  const lines = [`${r.repository}: images older than ${formatAge(r.olderThanSeconds * 1000)}${dry}`];
  for (const i of r.images) {
    const age = i.ageSeconds === undefined ? 'no date' : `${formatAge(i.ageSeconds * 1000)} old`;
    lines.push(`  ${i.action.padEnd(12)} ${i.digest.slice(0, 19)}…  ${age.padEnd(8)} ${i.tags.join(', ')}`);
  }
  const gone = r.images.filter((i) => i.action === 'deleted').length;
  if (gone) lines.push(`deleted ${gone} image(s); the registry frees their blobs at its next garbage collection`);
  return lines.join('\n') + '\n';
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('gc', usage, argv, {
    'older-than': { type: 'string' }, 'dry-run': { type: 'boolean' }, insecure: { type: 'boolean' },
    json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
  });
  if (positionals.length !== 1 || values['older-than'] === undefined) {
    const message = 'gc takes one repository and --older-than DURATION';
    throw new AirlockError('usage', 'bad-arguments', message, { hint: `usage: ${usage}` });
  }
  const { host, repo } = parseRepoName(positionals[0]!, 'REPO');
  const olderThanMs = parseDuration(values['older-than'], '--older-than');
  const client = clientFor(host, { insecure: values.insecure ?? false, env: ctx.env, log: ctx.log });
  const dryRun = values['dry-run'] ?? false;
  const result = await collectGarbage(client, repo, { olderThanMs, now: new Date(), dryRun });
  ctx.stdout(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatGc(result));
  return ExitCode.ok;
}

export const command: Command = {
  name: 'gc',
  summary: 'delete dev images older than a limit from a registry (DELETE by digest; never a repository with releases)',
  usage,
  run,
};

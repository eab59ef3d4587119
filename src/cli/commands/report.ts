// `airlock report [OUT]`: renders OUT/report.html again from report.json, why.json and the evidence beside them.
import { resolve } from 'node:path';
import { AirlockError, ExitCode } from '../../errors.js';
import { writeReportHtml } from '../../pipeline/report-page.js';
import { parse } from '../args.js';
import { parsePlatform } from '../../image/platform.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { platformOutDir } from '../../pipeline/platform-folders.js';
import type { Command, CommandContext } from '../command.js';

const usage = "airlock report [OUT] [--html FILE] [--platform P]   (OUT: a build's output folder, default ./airlock-out)";

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('report', usage, argv, {
    html: { type: 'string' },
    platform: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (positionals.length > 1)
    throw new AirlockError('usage', 'bad-arguments', `report takes one output folder, got ${positionals.length}`, {
      hint: `usage: ${usage}`,
    });
  // A multi-platform build's outputs: the platform's own report (--platform, else the host's).
  const outDir = platformOutDir(resolve(ctx.cwd, positionals[0] ?? 'airlock-out'), values.platform !== undefined ? parsePlatform(values.platform) : undefined, hostArchitecture());
  const target = values.html ? resolve(ctx.cwd, values.html) : undefined;
  const written = await writeReportHtml(outDir, target);
  ctx.stdout(`${written.path}${written.changed ? '' : ' (unchanged)'}\n`);
  return ExitCode.ok;
}

export const command: Command = {
  name: 'report',
  summary: "render a build's report.html again (self-contained: no scripts, no requests)",
  usage,
  run,
};

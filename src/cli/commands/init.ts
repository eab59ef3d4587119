// `airlock init [DIR] [--language L]`: writes a commented airlock.yaml for the project in DIR.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AirlockError, ExitCode } from '../../errors.js';
import { initProject } from '../../init/init.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';

const usage = 'airlock init [DIR] [--language c|cpp|go|java|node|python|rust]';

/** airlock's own JSON Schema (the config's first line points editors at it). */
const SCHEMA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schema', 'airlock.schema.json');

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('init', usage, argv, {
    language: { type: 'string', short: 'l' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (positionals.length > 1)
    throw new AirlockError('usage', 'bad-arguments', `init takes one folder, got ${positionals.length}`, {
      hint: `usage: ${usage}`,
    });
  const dir = resolve(ctx.cwd, positionals[0] ?? '.');
  const { file } = await initProject(dir, {
    schemaFile: SCHEMA,
    ...(values.language ? { language: values.language } : {}),
  });
  ctx.stdout(`wrote ${file}\nnext: airlock build -c ${file}\n`);
  return ExitCode.ok;
}

export const command: Command = {
  name: 'init',
  summary: 'write a commented airlock.yaml for the project in a folder (detected from its files)',
  usage,
  run,
};

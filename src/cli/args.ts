// Thin wrapper over node:util parseArgs that turns its errors into usage errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AirlockError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `argv` for a subcommand; unknown flags become a usage error naming the command. */
export function parse<O extends Options>(command: string, usage: string, argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new AirlockError('usage', 'bad-arguments', `${command}: ${(e as Error).message}`, { hint: `usage: ${usage}` });
  }
}

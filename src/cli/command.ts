// The shape every `airlock <name>` subcommand module exports as `command`.
import type { Log } from '../log.js';

export interface CommandContext {
  /** The process environment (read only here; passed down explicitly). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  log: Log;
  /** Writes to standard output (results, tables, JSON). */
  stdout: (text: string) => void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code; throws AirlockError for failures. */
  run(argv: string[], ctx: CommandContext): Promise<number>;
}

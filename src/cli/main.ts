// The only place that reads argv and calls process.exit: dispatches to src/cli/commands/<name>.ts.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AirlockError, ExitCode, formatError } from '../errors.js';
import type { Command, CommandContext } from './command.js';
import { terminalLog } from './term-log.js';

const here = dirname(fileURLToPath(import.meta.url));
const ext = fileURLToPath(import.meta.url).endsWith('.ts') ? '.ts' : '.js';

function commandNames(): string[] {
  return readdirSync(join(here, 'commands'))
    .filter((f) => f.endsWith(ext) && !f.endsWith(`.test${ext}`) && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -ext.length))
    .sort();
}

async function loadCommand(name: string): Promise<Command> {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !commandNames().includes(name)) {
    throw new AirlockError('usage', 'unknown-command', `unknown command '${name}'`, {
      hint: `commands: ${commandNames().join(', ')}; run 'airlock help'`,
    });
  }
  const mod = (await import(pathToFileURL(join(here, 'commands', name + ext)).href)) as { command: Command };
  return mod.command;
}

async function help(): Promise<string> {
  const lines = ['airlock: one YAML file to dev, prod and test container images from Debian packages', '', 'usage: airlock <command> [options]', '', 'commands:'];
  for (const n of commandNames()) {
    const c = await loadCommand(n);
    lines.push(`  ${n.padEnd(10)} ${c.summary}`);
  }
  lines.push('', "Run 'airlock <command> --help' for a command's options.");
  return lines.join('\n') + '\n';
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(await help());
    return name ? ExitCode.ok : ExitCode.usage;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write('airlock 0.1.0\n');
    return ExitCode.ok;
  }
  const cmd = await loadCommand(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${cmd.summary}\n\nusage: ${cmd.usage}\n`);
    return ExitCode.ok;
  }
  const ctx: CommandContext = {
    env: process.env,
    cwd: process.cwd(),
    log: terminalLog(process.stderr, rest.includes('--quiet')),
    stdout: (t) => process.stdout.write(t),
  };
  return cmd.run(rest, ctx);
}

// Exits once the command is done and its output is flushed: a socket or timer some library left behind must not keep
// a finished command waiting.
const exit = () => process.stdout.write('', () => process.stderr.write('', () => process.exit()));
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; exit(); },
  (err: unknown) => {
    process.stderr.write(formatError(err) + '\n');
    process.exitCode = err instanceof AirlockError ? err.exitCode : ExitCode.internal;
    exit();
  },
);

// `airlock lint [DOCKERFILE…] [--json]`: the builder pattern's anti-patterns in hand-written Dockerfiles.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AirlockError, ExitCode } from '../../errors.js';
import { lintDockerfile, type LintFinding } from '../../lint/dockerfile.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';

const usage = 'airlock lint [DOCKERFILE ...] [--json]   (default: ./Dockerfile)';

async function readDockerfile(path: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new AirlockError('usage', 'no-dockerfile', `cannot read ${path}${code ? ` (${code})` : ''}`, {
      cause, hint: 'name Dockerfiles to lint, e.g. `airlock lint Dockerfile build/prod.Dockerfile`',
    });
  }
}

function human(findings: LintFinding[], files: number): string {
  const lines = findings.map((f) => `${f.file}:${f.line}:${f.col}: ${f.severity}[${f.rule}] ${f.message}\n  hint: ${f.hint}`);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  lines.push(`${count(errors, 'error')}, ${count(findings.length - errors, 'warning')} in ${count(files, 'Dockerfile')}`);
  return `${lines.join('\n')}\n`;
}

export const command: Command = {
  name: 'lint',
  summary: 'check Dockerfiles for the anti-patterns of multi-stage builds (build tools or root in the final stage, secrets, …)',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parse('lint', usage, argv, { json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } });
    const files = positionals.length ? positionals : ['Dockerfile'];
    const findings: LintFinding[] = [];
    for (const f of files) findings.push(...lintDockerfile(await readDockerfile(f, ctx.cwd), f));
    ctx.stdout(values.json ? `${JSON.stringify(findings, null, 2)}\n` : human(findings, files.length));
    return findings.some((f) => f.severity === 'error') ? ExitCode.policy : ExitCode.ok;
  },
};

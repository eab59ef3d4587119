// `airlock publish`: pushes a finished build to a registry without rebuilding (src/release/publish.ts).
import { dirname, join, resolve } from 'node:path';
import { AirlockError, ExitCode } from '../../errors.js';
import { readPrivateKeyFile } from '../../evidence/key-files.js';
import { exists } from '../../sinks/blob-store.js';
import { clientFor } from '../../sinks/open-image.js';
import { readBuildImages } from '../../release/build-layout.js';
import { readGitInfo } from '../../release/git-info.js';
import { publish, type PublishResult } from '../../release/publish.js';
import { parseRepoName } from '../../release/repo-name.js';
import { parseReleaseVersion } from '../../release/versions.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';

const usage = 'airlock publish [-c FILE] [--out DIR] --repo REGISTRY/NAME --version X.Y.Z [--sign KEY] '
  + '[--insecure] [--json]';

/** The result as lines: one per tag with what happened to it. */
function formatResult(r: PublishResult): string {
  const lines = [`published ${r.repository} ${r.version} (prod ${r.digests.prod})`];
  for (const t of r.tags) {
    const where = t.digest ? `${t.digest.slice(0, 19)}…` : '(absent)';
    const note = t.note ? ` (${t.note})` : '';
    const why = t.from ? ` (was ${t.from.slice(0, 19)}…)` : note;
    lines.push(`  ${t.action.padEnd(9)} ${t.ref}  ${where}${why}`);
  }
  if (!r.changed) lines.push(`nothing changed: ${r.version} already is this build`);
  return lines.join('\n') + '\n';
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse('publish', usage, argv, {
    config: { type: 'string', short: 'c' }, out: { type: 'string', short: 'o' }, repo: { type: 'string' },
    version: { type: 'string' }, sign: { type: 'string' }, insecure: { type: 'boolean' }, json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  }, false);
  if (values.repo === undefined || values.version === undefined) {
    const message = 'publish needs --repo REGISTRY/NAME and --version X.Y.Z';
    throw new AirlockError('usage', 'bad-arguments', message, { hint: `usage: ${usage}` });
  }
  const { host, repo } = parseRepoName(values.repo, '--repo');
  const version = parseReleaseVersion(values.version, '--version');
  const password = ctx.env.AIRLOCK_KEY_PASSWORD;
  const key = values.sign ? await readPrivateKeyFile(resolve(ctx.cwd, values.sign), password) : undefined;
  // The project folder is the config's: the build's outputs default to airlock-out beside it, git is read there.
  const projectDir = dirname(resolve(ctx.cwd, values.config ?? 'airlock.yaml'));
  const outDir = values.out ? resolve(ctx.cwd, values.out) : join(projectDir, 'airlock-out');
  const layoutDir = join(outDir, 'oci');
  const images = await readBuildImages(layoutDir);
  const git = readGitInfo(projectDir);
  const evidenceDir = join(outDir, 'evidence');
  const client = clientFor(host, { insecure: values.insecure ?? false, env: ctx.env, log: ctx.log });
  const result = await publish({
    client, repo, version, images, layoutDir, git, log: ctx.log,
    ...(key ? { key } : {}), ...((await exists(evidenceDir)) ? { evidenceDir } : {}),
  });
  ctx.stdout(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
  return ExitCode.ok;
}

export const command: Command = {
  name: 'publish',
  summary: 'push a finished build: prod as an immutable X.Y.Z (+ X.Y, X, latest), dev and test by branch and commit',
  usage,
  run,
};

// `airlock audit IMAGE`: runs the quality gates on any image (OCI layout, docker-archive or registry).
import { AirlockError, ExitCode } from '../../errors.js';
import type { Image } from '../../image/image.js';
import type { Log } from '../../log.js';
import { DEFAULT_FS_LIMITS, type FsLimits } from '../../gates/fs-types.js';
import { formatFindings, verdict } from '../../gates/format.js';
import { imageFsFromImage } from '../../gates/from-image.js';
import { runGates } from '../../gates/run-gates.js';
import { parseSize } from '../../gates/checks/size-budget.js';
import type { GateConfig, Profile } from '../../gates/types.js';
import { openImage } from '../../sinks/open-image.js';
import { parsePlatform } from '../../image/platform.js';
import { parseRef } from '../../sinks/ref.js';
import { parse } from '../args.js';
import type { Command, CommandContext } from '../command.js';

const usage = 'airlock audit IMAGE [--platform P] [--profile prod|dev|test|any] [--json] [--insecure] [--max-bytes N] [--max-entries N] [--hardening maximum] [--allow-source] [--max-size SIZE] [--epoch N] [--skip ID,…]   (IMAGE: oci:DIR[:TAG], docker-archive:FILE or docker://HOST/REPO:TAG)';
const PROFILES: readonly Profile[] = ['prod', 'dev', 'test', 'any'];

/** Opens an image reference for reading (layers stay lazy); relative paths are taken from `cwd`; registry retries are logged. */
export async function openImageRef(ref: string, opts: { insecure: boolean; cwd: string; env: NodeJS.ProcessEnv; log?: Log; platform?: string | undefined }): Promise<Image> {
  const log = opts.log ? { log: opts.log } : {};
  const platform = opts.platform !== undefined ? { platform: parsePlatform(opts.platform) } : {};
  return openImage(parseRef(ref, opts.cwd), { insecure: opts.insecure, env: opts.env, ...log, ...platform });
}

/** Reads --max-bytes / --max-entries into limits. */
export function limitsFrom(values: { 'max-bytes'?: string; 'max-entries'?: string }): FsLimits {
  const limits = { ...DEFAULT_FS_LIMITS };
  if (values['max-bytes'] !== undefined) limits.maxBytes = parseSize(values['max-bytes']);
  if (values['max-entries'] !== undefined) {
    if (!/^\d+$/.test(values['max-entries'])) throw new AirlockError('usage', 'bad-arguments', `--max-entries "${values['max-entries']}" is not a number`, { hint: `usage: ${usage}` });
    limits.maxEntries = Number(values['max-entries']);
  }
  return limits;
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('audit', usage, argv, {
    profile: { type: 'string' }, json: { type: 'boolean' }, insecure: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' },
    'max-bytes': { type: 'string' }, 'max-entries': { type: 'string' }, hardening: { type: 'string' }, 'allow-source': { type: 'boolean' },
    'max-size': { type: 'string' }, epoch: { type: 'string' }, skip: { type: 'string' }, platform: { type: 'string' },
  });
  if (positionals.length !== 1) throw new AirlockError('usage', 'bad-arguments', `audit takes exactly one image, got ${positionals.length}`, { hint: `usage: ${usage}` });
  const profile = (values.profile ?? 'prod') as Profile;
  if (!PROFILES.includes(profile)) throw new AirlockError('usage', 'bad-arguments', `--profile "${values.profile}" is not one of ${PROFILES.join(', ')}`, { hint: `usage: ${usage}` });
  if (values.epoch !== undefined && !/^\d+$/.test(values.epoch)) throw new AirlockError('usage', 'bad-arguments', `--epoch "${values.epoch}" is not whole seconds`, { hint: `usage: ${usage}` });
  const ref = positionals[0]!;
  const limits = limitsFrom(values);
  const config: GateConfig = {
    ...(values.hardening ? { hardening: values.hardening } : {}),
    ...(values['allow-source'] ? { allowSource: true } : {}),
    ...(values['max-size'] !== undefined ? { maxSize: parseSize(values['max-size']) } : {}),
    ...(values.epoch !== undefined ? { epoch: Number(values.epoch) } : {}),
    ...(values.skip ? { skip: values.skip.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
  };
  const img = await openImageRef(ref, { insecure: values.insecure ?? false, cwd: ctx.cwd, env: ctx.env, log: ctx.log, platform: values.platform });
  ctx.log.info(`auditing ${ref} (${img.digest}, ${img.layers.length} layer${img.layers.length === 1 ? '' : 's'}) with profile ${profile}`);
  const fs = await imageFsFromImage(img, limits);
  for (const p of fs.problems) ctx.log.warn(p);
  const result = await runGates(fs, { profile, config });
  if (values.json) {
    ctx.stdout(JSON.stringify({
      image: ref, digest: img.digest, profile, passed: result.passed, checks: result.checks, findings: result.findings,
      problems: fs.problems, layers: fs.layers.map((l) => ({ index: l.index, digest: img.layers[l.index]!.digest, entries: l.entries, bytes: l.bytes, whiteouts: l.whiteouts })),
    }, null, 2) + '\n');
  } else {
    ctx.stdout(formatFindings(result));
    ctx.stdout(`${ref}: ${verdict(result)} — profile ${profile}, checks: ${result.checks.join(', ')}\n`);
  }
  return result.passed ? ExitCode.ok : ExitCode.policy;
}

export const command: Command = {
  name: 'audit',
  summary: 'run the quality gates (no shell, non-root, no secrets, …) on any image',
  usage,
  run,
};

// `airlock why PATH`: why a file is in an image (declared artifact, NEEDED chain, package and why the package is
// there).
import { dirname, join, resolve } from 'node:path';
import { AirlockError, ExitCode } from '../../errors.js';
import { openImage } from '../../sinks/open-image.js';
import { formatRef, parseRef, type ImageRef } from '../../sinks/ref.js';
import { explain } from '../../why/explain.js';
import { formatWhy } from '../../why/format.js';
import { findTrace, loadTrace, type LoadedTrace } from '../../why/load.js';
import type { WhyVariant } from '../../why/record.js';
import { parse } from '../args.js';
import { parsePlatform } from '../../image/platform.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { platformOutDir } from '../../pipeline/platform-folders.js';
import type { Command, CommandContext } from '../command.js';

const usage = 'airlock why PATH [--out DIR | --image REF] [--variant prod|dev|test] [--platform P] [-c FILE] [--json]';
const VARIANTS: WhyVariant[] = ['dev', 'prod', 'test'];

function variantOf(s: string | undefined): WhyVariant | undefined {
  if (s === undefined) return undefined;
  if ((VARIANTS as string[]).includes(s)) return s as WhyVariant;
  throw new AirlockError('usage', 'unknown-variant', `unknown variant '${s}'`, {
    hint: 'use --variant prod, dev or test',
  });
}

/** The output folder an image reference lives in (its layout's or archive's parent), when it is a local one. */
export function folderOf(ref: ImageRef): string | undefined {
  if (ref.kind === 'oci') return dirname(ref.dir);
  if (ref.kind === 'docker-archive') return dirname(ref.file);
  return undefined;
}

/** The trace and variant of an image: found by its digest among the variants of its outputs (or of --out/-c). */
async function traceOfImage(spec: string, fallback: string, ctx: CommandContext, insecure: boolean) {
  const ref = parseRef(spec, ctx.cwd);
  const digest = (await openImage(ref, { insecure, env: ctx.env, log: ctx.log })).digest;
  const found = await findTrace(digest, [folderOf(ref), fallback].filter((d): d is string => d !== undefined));
  if (found) return found;
  throw new AirlockError('usage', 'no-trace', `no build outputs record the trace of ${formatRef(ref)} (${digest})`, {
    hint: 'why.json is written beside report.json by airlock build: pass that output folder with --out',
  });
}

async function run(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse('why', usage, argv, {
    out: { type: 'string', short: 'o' },
    image: { type: 'string' },
    variant: { type: 'string' },
    config: { type: 'string', short: 'c' },
    json: { type: 'boolean' },
    insecure: { type: 'boolean' },
    platform: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (positionals.length !== 1)
    throw new AirlockError('usage', 'bad-arguments', `why takes one path, got ${positionals.length}`, {
      hint: `usage: ${usage}`,
    });
  if (values.out && values.image)
    throw new AirlockError('usage', 'bad-arguments', 'give --out or --image, not both', { hint: `usage: ${usage}` });
  const asked = variantOf(values.variant);
  // A multi-platform build's outputs: the platform's own (--platform, else the host's).
  const outDir = platformOutDir(values.out
    ? resolve(ctx.cwd, values.out)
    : join(dirname(resolve(ctx.cwd, values.config ?? 'airlock.yaml')), 'airlock-out'), values.platform !== undefined ? parsePlatform(values.platform) : undefined, hostArchitecture());
  let trace: LoadedTrace;
  let variant: WhyVariant;
  if (values.image) {
    const found = await traceOfImage(values.image, outDir, ctx, values.insecure ?? false);
    if (asked && asked !== found.variant) {
      throw new AirlockError(
        'usage',
        'bad-arguments',
        `${values.image} is the ${found.variant} variant, not ${asked}`,
        { hint: 'drop --variant' },
      );
    }
    ({ trace, variant } = found);
  } else {
    trace = await loadTrace(outDir);
    variant = asked ?? 'prod';
  }
  const answer = explain(trace.record, positionals[0]!, variant);
  ctx.stdout(values.json ? `${JSON.stringify(answer, null, 2)}\n` : formatWhy(answer, trace.refs[variant]));
  return answer.found ? ExitCode.ok : ExitCode.usage;
}

export const command: Command = {
  name: 'why',
  summary: 'say why a path is in an image: declared artifact, NEEDED chain, or the package and why it is there',
  usage,
  run,
};

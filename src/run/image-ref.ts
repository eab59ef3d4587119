// The image `airlock run` and `airlock dev` mean: a reference (oci:, docker-archive:, docker://), or NAME:TAG of a
// build's outputs (its report names the variants and the alias), or prod/dev of those outputs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { parseRef, type ImageRef } from '../sinks/ref.js';

interface ReportRefs {
  tag: string;
  variants: Record<string, { ref: string }>;
  aliases?: Record<string, string>;
}

const SCHEMES = /^(oci|docker-archive|docker):/;

/** Resolves `spec` (a reference, NAME:TAG of the outputs, or a variant name) against the outputs in `outDir`. */
export async function imageRefOf(spec: string, outDir: string, cwd: string): Promise<ImageRef> {
  if (SCHEMES.test(spec)) return parseRef(spec, cwd);
  const text = await readFile(join(outDir, 'report.json'), 'utf8').catch(() => undefined);
  if (!text) {
    throw new AirlockError(
      'usage',
      'unknown-image',
      `'${spec}' is not an image reference and ${outDir} holds no build outputs`,
      {
        hint: 'give oci:DIR[:TAG], docker-archive:FILE or docker://HOST/REPO[:TAG], or build first (airlock build)',
      },
    );
  }
  // A multi-platform build's report holds each platform's; their names are the same, and OUT/oci's tags are indexes.
  const parsed = JSON.parse(text) as ReportRefs | { platforms: { report: ReportRefs }[] };
  const report = 'platforms' in parsed ? parsed.platforms[0]!.report : parsed;
  const oci = join(outDir, 'oci');
  for (const [v, r] of Object.entries(report.variants)) {
    if (spec === v || spec === r.ref) return { kind: 'oci', dir: oci, tag: `${report.tag}-${v}` };
  }
  if (report.aliases && spec in report.aliases) return { kind: 'oci', dir: oci, tag: report.tag };
  const known = [...Object.values(report.variants).map((r) => r.ref), ...Object.keys(report.aliases ?? {})];
  throw new AirlockError('usage', 'unknown-image', `no image '${spec}' in ${outDir}`, {
    hint: `the outputs hold: ${known.join(', ')} (or say prod, dev, test)`,
  });
}

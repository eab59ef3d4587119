// Reads a build's why.json (and the variant digests of its report.json) from an output folder.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import type { BuildReport } from '../report/report.js';
import type { WhyRecord, WhyVariant } from './record.js';

export interface LoadedTrace {
  record: WhyRecord;
  digests: Record<WhyVariant, string>;
  refs: Record<WhyVariant, string>;
}

async function readJson<T>(path: string, what: string, hint: string): Promise<T> {
  const text = await readFile(path, 'utf8').catch((cause: NodeJS.ErrnoException) => {
    throw new AirlockError('usage', 'no-trace', `${path} does not exist: no ${what} here`, { cause, hint });
  });
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new AirlockError('image', 'trace-invalid', `${path} is not valid JSON`, {
      cause,
      hint: 'rebuild to write it again',
    });
  }
}

/** The trace and the variants' digests of the outputs in `outDir`. */
export async function loadTrace(outDir: string): Promise<LoadedTrace> {
  const report = await readJson<BuildReport>(
    join(outDir, 'report.json'),
    'build outputs',
    'pass the output folder of a build with --out (airlock build writes airlock-out/ beside the config)',
  );
  const record = await readJson<WhyRecord>(
    join(outDir, 'why.json'),
    'trace of the build',
    'these outputs predate why.json: build again to record it',
  );
  if (record.format !== 1 || !record.files?.prod) {
    throw new AirlockError('image', 'trace-invalid', `${join(outDir, 'why.json')} is not a why record of format 1`, {
      hint: 'build again',
    });
  }
  const v = report.variants;
  return {
    record,
    digests: { dev: v.dev.digest, prod: v.prod.digest, test: v.test.digest },
    refs: { dev: v.dev.ref, prod: v.prod.ref, test: v.test.ref },
  };
}

/** The trace of the image with `digest` and which variant it is: from the first of `dirs` whose outputs hold it. */
export async function findTrace(
  digest: string, dirs: readonly string[],
): Promise<{ trace: LoadedTrace; variant: WhyVariant } | undefined> {
  for (const dir of dirs) {
    const trace = await loadTrace(dir).catch(() => undefined);
    const variant = trace && (['dev', 'prod', 'test'] as const).find((v) => trace.digests[v] === digest);
    if (trace && variant) return { trace, variant };
  }
  return undefined;
}

// `airlock init`: reads the top of a source tree, asks the language packs what they would do, and writes airlock.yaml
// (never over an existing one).
import { link, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AirlockError } from '../errors.js';
import { LANGUAGE_ALIASES } from '../config/schema.js';
import { tempPathFor } from '../files/atomic.js';
import { DETECT_QUESTIONS, detectProject, LOOKED_FOR } from '../lang/detect.js';
import { languagePack } from '../lang/index.js';
import type { LanguagePack, SourceInfo } from '../lang/pack.js';
import { readSourceInfo } from '../pipeline/source-info.js';
import { initConfigText, type PackDefaults } from './config-text.js';

export const CONFIG_NAME = 'airlock.yaml';

/** A value of a pack hook, or the message of the error it raises for this tree. */
function attempt<T>(f: () => T): T | { error: string } {
  try {
    return f();
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function packDefaults(pack: LanguagePack, src: SourceInfo, version: string | undefined): PackDefaults {
  const steps = attempt(() => pack.defaultSteps(src));
  const part = (k: 'steps' | 'test') => ('error' in steps ? steps : attempt(() => steps[k]));
  return {
    fetch: 'error' in steps ? [] : steps.fetch,
    steps: part('steps'),
    test: part('test'),
    entrypoint: attempt(() => pack.defaultEntrypoint?.(src, { upstream: false })) ?? undefined,
    workdir: pack.defaultWorkdir?.(src),
    runtimePackages: pack.runtimePackages(version),
    builderPackages: pack.builderPackages(version, src),
  };
}

/** An image name from a folder name: lower case, other characters as '-'. */
export function imageName(folder: string): string {
  const n = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .replace(/[._-]{2,}/g, '-');
  return n || 'app';
}

/** Writes DIR/airlock.yaml for the project in DIR; returns its path and text. */
export async function initProject(
  dir: string,
  opts: { language?: string; schemaFile: string },
): Promise<{ file: string; text: string }> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory())
    throw new AirlockError('usage', 'not-a-directory', `${dir} is not a directory`, {
      hint: 'usage: airlock init [DIR] [--language L]',
    });
  const file = join(dir, CONFIG_NAME);
  if (await stat(file).catch(() => undefined)) {
    throw new AirlockError('usage', 'config-exists', `${file} exists; airlock init never overwrites it`, {
      hint: 'edit it, or move it away and run init again',
    });
  }
  const aliases = LANGUAGE_ALIASES as Record<string, string>;
  if (opts.language !== undefined && !(opts.language in aliases)) {
    throw new AirlockError('usage', 'language-unsupported', `unknown language '${opts.language}'`, {
      hint: `use one of: ${Object.keys(aliases).join(', ')}`,
    });
  }
  const top = readSourceInfo(dir, { sourceProbe: () => DETECT_QUESTIONS });
  const detection = detectProject(top, opts.language ? aliases[opts.language] : undefined);
  if (!detection) {
    throw new AirlockError(
      'usage',
      'project-unrecognized',
      `found no project in ${dir}: looked for ${LOOKED_FOR.join('; ')}`,
      {
        hint: 'name the language with --language (c, cpp, go, java, node, python, rust)',
      },
    );
  }
  const pack = languagePack(detection.language);
  const src = readSourceInfo(dir, pack);
  const version = attempt(() => pack.parseVersion(detection.version?.value));
  const text = initConfigText({
    name: detection.name ?? imageName(basename(dir)),
    detection,
    schema: pathToFileURL(opts.schemaFile).href,
    defaults: packDefaults(pack, src, typeof version === 'string' ? version : undefined),
    hardening: detection.language === 'c' || detection.language === 'cpp' ? 'maximum' : 'standard',
  });
  // Written beside it, then linked into place: link fails if the file appeared meanwhile, and no half file is seen.
  const tmp = tempPathFor(file);
  await writeFile(tmp, text, { flag: 'wx' });
  try {
    await link(tmp, file).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EEXIST')
        throw new AirlockError('usage', 'config-exists', `${file} exists; airlock init never overwrites it`);
      throw e;
    });
  } finally {
    await rm(tmp, { force: true });
  }
  return { file, text };
}

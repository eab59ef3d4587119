// The config's only file-system access: read airlock.yaml (and the build context's ignore file).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AirlockError } from '../errors.js';
import { parseConfig, type LoadedConfig } from './parse.js';
import { ALWAYS_IGNORED, compileIgnore, IGNORE_FILES, type IgnoreMatcher } from './ignore.js';

export type { LoadedConfig } from './parse.js';

/** Reads and validates a config file; `architecture` is the host's Debian architecture (e.g. from `dpkg --print-architecture`). */
export async function loadConfig(file: string, opts: { architecture: string }): Promise<LoadedConfig> {
  const abs = resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new AirlockError('usage', 'config-not-found', `config file not found: ${file}`, {
        hint: 'write an airlock.yaml in the current folder, or pass the config with -c FILE (see docs/config.md)',
        cause: e,
      });
    }
    throw new AirlockError('usage', 'config-unreadable', `cannot read the config file ${file}: ${(e as Error).message}`, {
      hint: code === 'EISDIR' ? 'pass the YAML file itself, e.g. -c path/to/airlock.yaml' : 'check the file\'s permissions',
      cause: e,
    });
  }
  return parseConfig(text, { file: abs, displayName: file, architecture: opts.architecture });
}

/** The build context's ignore rules: `.airlockignore` when present, else `.dockerignore`, else none; `always` as in compileIgnore. */
export async function loadIgnore(sourceDir: string, always: readonly string[] = ALWAYS_IGNORED): Promise<{ file?: string; matcher: IgnoreMatcher }> {
  for (const name of IGNORE_FILES) {
    const file = join(sourceDir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new AirlockError('usage', 'ignore-unreadable', `cannot read ${file}: ${(e as Error).message}`, { hint: 'check the file\'s permissions', cause: e });
    }
    try {
      return { file, matcher: compileIgnore(text, always) };
    } catch (e) {
      if (e instanceof AirlockError) throw new AirlockError('usage', e.code, `${file}: ${e.message.replace(/^ignore file /, '')}`, { ...(e.hint ? { hint: e.hint } : {}), cause: e });
      throw e;
    }
  }
  return { matcher: compileIgnore('', always) };
}

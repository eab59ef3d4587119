// The programs the packs' steps run (a Java class, shell, Python and Node.js scripts), kept as files under assets/lang/<pack>/
// so they can be read, linted and tested as what they are. Read once, when a pack module loads: they ship with airlock.
import { readFileSync } from 'node:fs';
import { AirlockError } from '../errors.js';

/** assets/lang/ at the package root: two levels above both src/lang/ (tsx) and dist/lang/ (compiled). */
export const LANG_ASSETS = new URL('../../assets/lang/', import.meta.url);

const COMMENT: Record<string, RegExp> = { java: /^\/\//, mjs: /^\/\//, py: /^#/, sh: /^#/ };

/** An asset's text without its leading comment lines (what it is, where it runs) and without its final newline. */
export function langAsset(pack: string, name: string): string {
  const url = new URL(`${pack}/${name}`, LANG_ASSETS);
  let text: string;
  try { text = readFileSync(url, 'utf8'); } catch (cause) {
    throw new AirlockError('internal', 'asset-missing', `airlock's own file assets/lang/${pack}/${name} cannot be read`, {
      cause, hint: 'reinstall airlock: its package must include the assets/ folder',
    });
  }
  const comment = COMMENT[name.slice(name.lastIndexOf('.') + 1)];
  const lines = text.replace(/\n$/, '').split('\n');
  const first = lines.findIndex((l) => !comment?.test(l));
  return lines.slice(first < 0 ? lines.length : first).join('\n');
}

/**
 * A shell asset as the one command line a step runs, read now and filled later: comment and blank lines dropped, each
 * line trimmed, the lines joined by single spaces, and each @NAME@ replaced by `values[NAME]` (a name without a value
 * is an error).
 */
export function shellTemplate(pack: string, name: string): (values?: Record<string, string>) => string {
  const lines = langAsset(pack, name).split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const line = lines.join(' ');
  return (values = {}) => line.replace(/@([A-Z][A-Z0-9_]*)@/g, (_, key: string) => {
    if (!Object.hasOwn(values, key)) throw new Error(`assets/lang/${pack}/${name}: no value for @${key}@`);
    return values[key]!;
  });
}

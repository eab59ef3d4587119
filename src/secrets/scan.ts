// Scans what a build made for the bytes of its secrets: the images' layers and configs, and a step's changed files.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { FileEntry } from '../image/entry.js';
import { AirlockError } from '../errors.js';
import { findIn, streamSearch, type SecretNeedles } from './needles.js';

/** Where a secret was found: the place and the path in it, the secret's id and the form (never the value). */
export interface SecretFind {
  where: string;
  path: string;
  id: string;
  form: 'bytes' | 'base64';
}

async function scanStream(src: AsyncIterable<Uint8Array>, needles: readonly SecretNeedles[]) {
  const s = streamSearch(needles);
  for await (const chunk of src) {
    s.push(chunk);
    if (s.found) break;
  }
  return s.found;
}

/** Every entry of every layer (name, link target, content) and the image config of one variant. */
export async function scanImage(where: string, layers: readonly (readonly FileEntry[])[], config: Uint8Array,
  needles: readonly SecretNeedles[]): Promise<SecretFind[]> {
  const finds: SecretFind[] = [];
  const inConfig = findIn(config, needles);
  if (inConfig) finds.push({ where, path: '(image config)', ...inConfig });
  for (const entries of layers) {
    for (const e of entries) {
      const inName = findIn(Buffer.from(`${e.path}\0${e.linkname ?? ''}`), needles);
      const inData = inName ?? (e.type === 'file' && e.open ? await scanStream(e.open(), needles) : undefined);
      if (inData) finds.push({ where, path: `/${e.path}`, ...inData });
    }
  }
  return finds;
}

/** The paths (relative to `dir`) a step wrote: every name, and the content of those `isFile` accepts. */
export async function scanFiles(where: string, dir: string, paths: readonly string[], isFile: (p: string) => boolean,
  needles: readonly SecretNeedles[]): Promise<SecretFind[]> {
  const finds: SecretFind[] = [];
  for (const p of paths) {
    const inName = findIn(Buffer.from(p), needles);
    const inData = inName ?? (isFile(p) ? await scanStream(createReadStream(join(dir, p)), needles) : undefined);
    if (inData) finds.push({ where, path: p, ...inData });
  }
  return finds;
}

/** The build failure for finds (exit 6): each place, path, secret id and form, never the value. */
export function secretLeakError(finds: readonly SecretFind[]): AirlockError {
  const form = (f: SecretFind) => (f.form === 'base64' ? ' (base64)' : '');
  const lines = finds.slice(0, 20).map((f) => `  ${f.where}: ${f.path} holds secret \`${f.id}\`${form(f)}`);
  const more = finds.length > 20 ? `\n  … and ${finds.length - 20} more` : '';
  const message = `a build secret reached the build's results:\n${lines.join('\n')}${more}`;
  return new AirlockError('policy', 'secret-leaked', message, {
    hint: 'read secrets only from /run/secrets (or the variable) and do not write them into /src or $AIRLOCK_OUT '
      + '(e.g. an .npmrc with the token: keep ${NPM_TOKEN} unexpanded in it)',
  });
}

// Reads the config's application config files and merges them for dev and prod (src/overlays); the entries each
// variant gets, and the digests the prod gate looks for (the dev overlay and the dev merge must not be in prod).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Config } from '../config/types.js';
import { AirlockError } from '../errors.js';
import type { FileEntry } from '../image/entry.js';
import { mergedConfigs } from '../overlays/merge.js';

/** The merged files, the dev overlay's own bytes, and the path they are written at. */
export interface AppConfigFiles { path: string; base: string; dev: string; prod: string; devOverlay?: Buffer }

async function read(file: string): Promise<{ name: string; text: string; bytes: Buffer }> {
  const bytes = await readFile(file).catch((cause: unknown) => {
    throw new AirlockError('usage', 'app-config-not-found', `app_config: cannot read ${file}`, { cause, hint: 'check the paths under app_config' });
  });
  return { name: file, text: bytes.toString('utf8'), bytes };
}

/** The merged application config of dev and prod, when the config declares one. */
export async function loadAppConfig(config: Config): Promise<AppConfigFiles | undefined> {
  const a = config.appConfig;
  if (!a) return undefined;
  const base = await read(a.base);
  const dev = a.dev ? await read(a.dev) : undefined;
  const prod = a.prod ? await read(a.prod) : undefined;
  const merged = mergedConfigs({ base, ...(dev ? { dev } : {}), ...(prod ? { prod } : {}), path: a.path });
  return { path: a.path, ...merged, ...(dev ? { devOverlay: dev.bytes } : {}) };
}

/** The file (and its parent folders) as layer entries. */
export function configEntries(path: string, text: string): FileEntry[] {
  const rel = path.replace(/^\/+/, '');
  const parents: FileEntry[] = [];
  for (let d = posix.dirname(rel); d !== '.'; d = posix.dirname(d)) parents.unshift({ path: d, type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 });
  const bytes = Buffer.from(text);
  return [...parents, { path: rel, type: 'file', mode: 0o644, uid: 0, gid: 0, size: bytes.length, open: async function* () { yield bytes; } }];
}

/** What must not be in prod: the dev overlay file and the dev merge (when it differs from prod's), by digest. */
export function devConfigFiles(files: AppConfigFiles): { sha256: string; size: number; what: string }[] {
  const of = (b: Buffer, what: string) => ({ sha256: createHash('sha256').update(b).digest('hex'), size: b.length, what });
  const out = [];
  if (files.devOverlay) out.push(of(files.devOverlay, 'development overlay of app_config'));
  if (files.dev !== files.prod) out.push(of(Buffer.from(files.dev), 'app config merged for development'));
  return out;
}

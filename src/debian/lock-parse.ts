// Reading a lock file: JSON, validated against the lock's schema (every problem listed with its JSON path).
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { AirlockError } from '../errors.js';
import type { Lock } from './types.js';

const pkgSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  architecture: z.string().min(1),
  source: z.string().min(1),
  sourceVersion: z.string().optional(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  filename: z.string().min(1),
  repository: z.number().int().nonnegative(),
  depends: z.array(z.string()),
  installedSize: z.number().int().nonnegative().optional(),
  maintainer: z.string().optional(),
  description: z.string().optional(),
}).strict();

const lockSchema = z.object({
  lockVersion: z.literal(1),
  codename: z.string(),
  osVersion: z.string(),
  architecture: z.string().min(1),
  configDigest: z.string(),
  repositories: z.array(z.object({ uri: z.string().min(1), suite: z.string().min(1), components: z.array(z.string()), inRelease: z.string() }).strict()),
  indexEpoch: z.number().int().nonnegative(),
  sets: z.object({ builder: z.array(pkgSchema), runtime: z.array(pkgSchema) }).strict(),
  upstream: z.array(z.object({
    registry: z.literal('npm'),
    role: z.enum(['node', 'npm']),
    name: z.string().regex(/^(@[a-z0-9._~-]+\/)?[a-z0-9._~-]+$/),
    version: z.string().regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?$/),
    integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]{86}==$/),
    license: z.string().optional(),
  }).strict()).optional(),
}).strict();

/** Parses and validates lock text; every problem is listed with its JSON path. */
export function parseLock(text: string, file = 'airlock.lock.json'): Lock {
  let data: unknown;
  try { data = JSON.parse(text); } catch (e) {
    throw new AirlockError('packages', 'bad-lock', `${file} is not valid JSON: ${(e as Error).message}`, { hint: 'run `airlock lock --update` to write it again', cause: e });
  }
  const r = lockSchema.safeParse(data);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new AirlockError('packages', 'bad-lock', `${file} is not a valid airlock lock:\n${problems}`, { hint: 'run `airlock lock --update` to write it again' });
  }
  const lock = r.data as Lock;
  for (const p of [...lock.sets.builder, ...lock.sets.runtime]) {
    if (p.repository >= lock.repositories.length) {
      throw new AirlockError('packages', 'bad-lock', `${file}: package ${p.name} names repository ${p.repository}, but only ${lock.repositories.length} are listed`);
    }
  }
  return lock;
}

/** Reads a lock file, or undefined if there is none. */
export function readLock(file: string): Lock | undefined {
  if (!existsSync(file)) return undefined;
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    throw new AirlockError('packages', 'bad-lock', `cannot read ${file}: ${(e as Error).message}`, {
      hint: 'the lock must be a readable file; remove whatever is in its place and run `airlock lock`', cause: e,
    });
  }
  return parseLock(text, file);
}

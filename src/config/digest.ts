// The config digest a lock records: sha256 of the normalized fields that change package resolution.
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { canonicalJson } from '../image/json.js';
import type { Config } from './types.js';

const byName = (ps: Config['packages']) => [...ps].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** The inputs of package resolution (lists sorted: reordering them resolves the same set): language, version, package lists, dev debug tools, Debian settings (keyring relative to the config). */
export function resolutionInputs(c: Config): unknown {
  return {
    language: c.language,
    version: c.version,
    packages: byName(c.packages),
    devPackages: byName(c.devPackages),
    debugTools: [...c.variants.dev.debugTools].sort(),
    debian: {
      suite: c.debian.suite,
      architecture: c.debian.architecture,
      sources: c.debian.sources,
      keyring: c.debian.keyring === undefined ? undefined : relative(c.dir, c.debian.keyring),
    },
  };
}

/** sha256 (hex) of the canonical JSON of `resolutionInputs(c)`; equal configs give equal digests wherever they live. */
export function configDigest(c: Config): string {
  return createHash('sha256').update(canonicalJson(resolutionInputs(c))).digest('hex');
}

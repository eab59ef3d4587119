// Pure set logic: LockedPackage records from index stanzas, and the runtime closure within the builder set.
import { AirlockError } from '../errors.js';
import type { LockedPackage } from './types.js';
import { field, type Stanza } from './deb822.js';
import { parseRelations, providersOf, resolveRelations } from './relations.js';
import { parseSourceField } from './control-check.js';

/**
 * Packages never pulled into a runtime set by dependency: they serve maintainer scripts or are tools
 * (a prod image must have no shell and no package manager). A runtime package declared explicitly is still kept.
 */
export const RUNTIME_EXCLUDED: readonly string[] = [
  'apt', 'base-passwd', 'bash', 'coreutils', 'dash', 'debconf', 'debianutils', 'diffutils', 'dpkg', 'findutils',
  'grep', 'gzip', 'init-system-helpers', 'libc-bin', 'login', 'mount', 'passwd', 'perl-base', 'sed',
  'sysvinit-utils', 'tar', 'usrmerge', 'util-linux',
];

/**
 * Data packages whose dependencies serve only their maintainer tooling: ca-certificates needs openssl (and debconf)
 * to run update-ca-certificates, but prod gets the bundle that script would write, so its dependencies stay out.
 */
export const RUNTIME_DATA_ONLY: readonly string[] = ['ca-certificates'];

/** Strips "=version" from a request. */
export const requestName = (r: string): string => r.split('=')[0]!;

/** The fields of a Packages stanza a LockedPackage records (depends filled in later). */
export function lockedFromStanza(st: Stanza, repository: number): LockedPackage & { provides?: string; rawDepends: string } {
  const name = field(st, 'Package')!;
  const version = field(st, 'Version')!;
  const p: LockedPackage & { provides?: string; rawDepends: string } = {
    name,
    version,
    architecture: field(st, 'Architecture')!,
    ...parseSourceField(field(st, 'Source'), name, version),
    size: Number(field(st, 'Size')),
    sha256: field(st, 'SHA256') ?? '',
    filename: field(st, 'Filename')!,
    repository,
    depends: [],
    rawDepends: [field(st, 'Pre-Depends'), field(st, 'Depends')].filter(Boolean).join(', '),
  };
  const inst = field(st, 'Installed-Size');
  if (inst) p.installedSize = Number(inst);
  const maint = field(st, 'Maintainer');
  if (maint) p.maintainer = maint;
  const desc = field(st, 'Description');
  if (desc) p.description = desc.split('\n')[0]!;
  const prov = field(st, 'Provides');
  if (prov) p.provides = prov;
  return p;
}

/** Fills each package's `depends` with names of the set (alternatives and virtuals resolved); returns clean records. */
export function resolveDepends(set: Array<LockedPackage & { provides?: string; rawDepends: string }>): LockedPackage[] {
  const names = new Set(set.map((p) => p.name));
  const providers = providersOf(set);
  return set
    .map(({ provides: _p, rawDepends, ...p }) => {
      const groups = parseRelations(rawDepends, `Depends of ${p.name}`);
      return { ...p, depends: resolveRelations(groups, names, providers).names };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The runtime set: the roots and everything they depend on within `builder`, not descending into excluded packages nor below data-only ones. */
export function runtimeClosure(builder: LockedPackage[], roots: string[], excluded: readonly string[] = RUNTIME_EXCLUDED): LockedPackage[] {
  const byName = new Map(builder.map((p) => [p.name, p]));
  const skip = new Set(excluded);
  const seen = new Set<string>();
  const stack = roots.map(requestName);
  for (const r of stack) {
    if (!byName.has(r)) {
      throw new AirlockError('packages', 'not-in-builder-set', `runtime package ${r} is not in the locked builder set`, { hint: 're-lock with `airlock lock --update`' });
    }
  }
  const explicit = new Set(stack);
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n) || (skip.has(n) && !explicit.has(n))) continue;
    seen.add(n);
    if (RUNTIME_DATA_ONLY.includes(n)) continue;
    for (const d of byName.get(n)!.depends) stack.push(d);
  }
  return builder.filter((p) => seen.has(p.name));
}

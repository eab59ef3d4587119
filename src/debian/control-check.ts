// A locked package checked against the .deb itself: the lock's name, version, architecture and source must be what
// the package's own control data says, so nothing derived from the lock (status.d, SBOMs) can name another package.
import { AirlockError } from '../errors.js';
import { field, type Stanza } from './deb822.js';
import type { LockedPackage } from './types.js';

/** The identity fields of a .deb's control data. */
export interface ControlFacts {
  package: string;
  version: string;
  architecture: string;
  /** The `Source:` name; the package name when the field is absent. */
  source: string;
  /** The version in `Source: name (version)` when it differs from `version`. */
  sourceVersion?: string;
}

/** Splits a `Source:` field ("zlib" or "glibc (2.36-9)"); absent means the package itself. */
export function parseSourceField(
  value: string | undefined, pkg: string, version: string,
): { source: string; sourceVersion?: string } {
  const m = value ? /^(\S+)(?:\s+\(\s*([^)\s]+)\s*\))?/.exec(value.trim()) : null;
  if (!m) return { source: pkg };
  return m[2] && m[2] !== version ? { source: m[1]!, sourceVersion: m[2] } : { source: m[1]! };
}

/** The identity fields of a control stanza (missing fields are empty strings, which no lock entry has). */
export function controlFacts(control: Stanza): ControlFacts {
  const pkg = field(control, 'Package') ?? '';
  const version = field(control, 'Version') ?? '';
  const architecture = field(control, 'Architecture') ?? '';
  return { package: pkg, version, architecture, ...parseSourceField(field(control, 'Source'), pkg, version) };
}

/** Facts as kept in a cache record; anything else (an old or damaged record) is undefined. */
export function asControlFacts(x: unknown): ControlFacts | undefined {
  const o = x as Record<string, unknown> | null;
  if (!o || typeof o !== 'object') return undefined;
  const strings = ['package', 'version', 'architecture', 'source'].every((k) => typeof o[k] === 'string');
  const sv = o.sourceVersion === undefined || typeof o.sourceVersion === 'string';
  return strings && sv ? (o as unknown as ControlFacts) : undefined;
}

/** One field where a lock entry and its .deb disagree. */
export interface ControlMismatch {
  field: 'Package' | 'Version' | 'Architecture' | 'Source';
  lock: string;
  deb: string;
}

const sourceText = (source: string, version: string | undefined) => (version ? `${source} (${version})` : source);

/** Fields where the lock entry differs from the .deb's control data (empty when they agree). */
export function compareControl(p: LockedPackage, deb: ControlFacts): ControlMismatch[] {
  const out: ControlMismatch[] = [];
  if (p.name !== deb.package) out.push({ field: 'Package', lock: p.name, deb: deb.package });
  if (p.version !== deb.version) out.push({ field: 'Version', lock: p.version, deb: deb.version });
  if (p.architecture !== deb.architecture) {
    out.push({ field: 'Architecture', lock: p.architecture, deb: deb.architecture });
  }
  // A source version equal to the version is the same as none (the lock leaves it out then).
  const lockSv = p.sourceVersion === p.version ? undefined : p.sourceVersion;
  if (p.source !== deb.source || lockSv !== deb.sourceVersion) {
    out.push({ field: 'Source', lock: sourceText(p.source, lockSv), deb: sourceText(deb.source, deb.sourceVersion) });
  }
  return out;
}

/** Throws (exit 3) unless the lock entry matches its .deb, naming the package, each field and both values. */
export function checkControl(p: LockedPackage, deb: ControlFacts, lockFile = 'airlock.lock.json'): void {
  const diffs = compareControl(p, deb);
  if (diffs.length === 0) return;
  const what = diffs.map((d) =>
    `${d.field} is ${JSON.stringify(d.lock)} in the lock but ${JSON.stringify(d.deb)} in the .deb`);
  throw new AirlockError('packages', 'lock-mismatch',
    `locked package ${p.name} does not match its .deb (sha256 ${p.sha256.slice(0, 12)}…): ${what.join('; ')}`, {
      location: `${lockFile} (package ${p.name})`,
      hint: 'the lock was edited or damaged; restore it from version control, '
        + 'or run `airlock lock --update` to write it again',
    });
}

// Reads the signed indexes of a private apt dir: which list file belongs to which repository, InRelease facts, stanzas.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { AirlockError } from '../errors.js';
import type { AptDir } from './apt-dir.js';
import { clearsignedBody, field, parseDeb822, type Stanza } from './deb822.js';
import { exec } from './exec.js';

/** One downloaded Packages index and the repository it belongs to. */
export interface IndexTarget {
  file: string;
  uri: string;
  suite: string;
  component: string;
  inReleaseFile: string;
}

/** Facts read from a (signature-checked) InRelease file. */
export interface ReleaseInfo {
  sha256: string;
  codename?: string;
  version?: string;
  /** Seconds since the epoch (the Date field). */
  date: number;
}

/** The InRelease list file beside a Packages list file ("…_dists_bookworm_main_binary-amd64_Packages" → "…_dists_bookworm_InRelease"). */
export function inReleaseFileFor(packagesFile: string, component: string): string {
  const comp = component.replace(/\//g, '_');
  return packagesFile.replace(/[^/]*$/, (base) => base.replace(new RegExp(`${comp.replace(/[.+]/g, '\\$&')}_binary-[^_]+_Packages$`), 'InRelease'));
}

/** Lists the Packages indexes of a private apt dir with their repositories (through `apt-get indextargets`). */
export async function indexTargets(dir: AptDir): Promise<IndexTarget[]> {
  const r = await exec('apt-get', ['indextargets', '--format', '$(FILENAME)|$(REPO_URI)|$(RELEASE)|$(COMPONENT)', 'Created-By: Packages'], { env: dir.env });
  if (r.code !== 0) throw new AirlockError('packages', 'apt-failed', `apt-get indextargets failed: ${r.stderr.trim()}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [file, uri, suite, component] = line.split('|') as [string, string, string, string];
      return { file, uri: uri.replace(/\/+$/, ''), suite, component, inReleaseFile: inReleaseFileFor(file, component) };
    })
    .filter((t) => existsSync(t.file));
}

/** Reads the facts of an InRelease file already verified by apt. */
export function readRelease(file: string): ReleaseInfo {
  const raw = readFileSync(file);
  const st = parseDeb822(clearsignedBody(raw.toString('utf8'), file), file)[0] ?? {};
  const date = Date.parse(field(st, 'Date') ?? '');
  return {
    sha256: createHash('sha256').update(raw).digest('hex'),
    codename: field(st, 'Codename'),
    version: field(st, 'Version'),
    date: Number.isFinite(date) ? Math.floor(date / 1000) : 0,
  };
}

/** A package stanza with the index target it was read from. */
export interface IndexedStanza {
  stanza: Stanza;
  target: number;
}

/** Everything the resolver needs from the indexes: stanzas by name (lazily parsed) and the `Priority: required` names. */
export interface PackageIndex {
  required: string[];
  lookup(name: string, version: string, arch: string): IndexedStanza | undefined;
  /** Every SHA256 value listed in the indexes (for "is this locked package still obtainable"). */
  hasSha256(sha: string): boolean;
}

/** Scans the Packages files once (fast: only the stanzas asked for are parsed). */
export function loadPackageIndex(targets: IndexTarget[], architecture: string): PackageIndex {
  const byName = new Map<string, Array<{ text: string; target: number }>>();
  const required = new Set<string>();
  const shas = new Set<string>();
  targets.forEach((t, ti) => {
    const text = readFileSync(t.file, 'utf8');
    for (const chunk of text.split('\n\n')) {
      const m = /^Package: (\S+)/.exec(chunk);
      if (!m) continue;
      const list = byName.get(m[1]!) ?? [];
      list.push({ text: chunk, target: ti });
      byName.set(m[1]!, list);
      const sha = /\nSHA256: ([0-9a-f]{64})/.exec(chunk);
      if (sha) shas.add(sha[1]!);
      if (chunk.includes('\nPriority: required') && new RegExp(`\\nArchitecture: (all|${architecture})\\n`).test(`${chunk}\n`)) required.add(m[1]!);
    }
  });
  return {
    required: [...required].sort(),
    hasSha256: (sha) => shas.has(sha),
    lookup(name, version, arch) {
      for (const c of byName.get(name) ?? []) {
        if (!`${c.text}\n`.includes(`\nVersion: ${version}\n`)) continue;
        const st = parseDeb822(c.text, targets[c.target]?.file ?? 'Packages')[0]!;
        const a = field(st, 'Architecture');
        if (field(st, 'Version') === version && (a === arch || a === 'all')) return { stanza: st, target: c.target };
      }
      return undefined;
    },
  };
}

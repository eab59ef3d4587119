// Resolution with apt in a private apt dir: the builder closure (required + usrmerge + apt + requests) and the runtime closure.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import type { Log } from '../log.js';
import type { Lock, LockedRepository } from './types.js';
import { prepareAptDir } from './apt-dir.js';
import { ensureLists, withAptLock } from './apt-update.js';
import { solve } from './apt-solve.js';
import { lockedFromStanza, requestName, resolveDepends, runtimeClosure } from './closure.js';
import { readHostSources } from './host-sources.js';
import { indexTargets, loadPackageIndex, readRelease } from './index.js';
import type { AptSource } from './sources.js';

/** What to resolve: package requests ("name" or "name=version") for the builder and the runtime. */
export interface ResolveInput {
  builder: string[];
  runtime: string[];
  architecture: string;
  /** Repositories; the host's apt sources when absent. */
  sources?: AptSource[];
  /** Keyring for sources without Signed-By. */
  keyring?: string;
}

/** Where and how: the cache dir, a log, offline/update switches and the current time (ms) for list freshness. */
export interface ResolveOptions {
  cacheDir: string;
  log: Log;
  offline: boolean;
  update: boolean;
  now: number;
}

/** Packages every builder gets besides the `Priority: required` set. */
export const BUILDER_BASE = ['apt', 'usrmerge'];

/** Merges requests: one per name, a pinned "name=version" wins over a bare name; sorted. */
export function mergeRequests(lists: string[][]): string[] {
  const m = new Map<string, string>();
  for (const r of lists.flat()) {
    const n = requestName(r);
    if (!m.has(n) || r.includes('=')) m.set(n, r);
  }
  return [...m.values()].sort();
}

/** Resolves both sets and describes the repositories used; everything of a Lock except configDigest. */
export async function resolve(input: ResolveInput, opts: ResolveOptions): Promise<Omit<Lock, 'configDigest'>> {
  const sources = input.sources ?? readHostSources(input.architecture);
  const dir = prepareAptDir(opts.cacheDir, sources, input.architecture, input.keyring);
  return withAptLock(dir, async () => {
    await ensureLists(dir, opts);
    const targets = await indexTargets(dir);
    if (targets.length === 0) {
      const carried = releaseArchitectures(dir.listsDir);
      if (carried.length && !carried.includes(input.architecture)) {
        const suites = [...new Set(sources.map((s) => s.suite))].join(', ');
        throw new AirlockError('usage', 'unknown-architecture', `the sources (${suites}) do not carry ${input.architecture}; they carry ${carried.join(', ')}`, {
          hint: 'build for one of those (debian.architectures or --platform), or point debian.sources at a suite that has it',
        });
      }
      throw new AirlockError('packages', 'no-indexes', `no package indexes for ${input.architecture} in ${sources.map((s) => `${s.uri} ${s.suite}`).join(', ')}`, {
        hint: 'check the Components and Architectures of the sources, then run with --update',
      });
    }
    const index = loadPackageIndex(targets, input.architecture);
    const requests = mergeRequests([index.required, BUILDER_BASE, input.builder, input.runtime]);
    opts.log.info(`resolving ${requests.length} requested packages with apt`);
    const chosen = await solve(dir, requests);

    const repoKey = (uri: string, suite: string) => `${uri} ${suite}`;
    const repoMap = new Map<string, { uri: string; suite: string; components: Set<string>; file: string }>();
    for (const t of targets) {
      const k = repoKey(t.uri, t.suite);
      const r = repoMap.get(k) ?? { uri: t.uri, suite: t.suite, components: new Set<string>(), file: t.inReleaseFile };
      r.components.add(t.component);
      repoMap.set(k, r);
    }
    const repoKeys = [...repoMap.keys()].sort();
    const releases = repoKeys.map((k) => readRelease(repoMap.get(k)!.file));
    const repositories: LockedRepository[] = repoKeys.map((k, i) => {
      const r = repoMap.get(k)!;
      return { uri: r.uri, suite: r.suite, components: [...r.components].sort(), inRelease: releases[i]!.sha256 };
  });

  const raw = chosen.map((c) => {
    const hit = index.lookup(c.name, c.version, c.arch);
    if (!hit) throw new AirlockError('internal', 'index-mismatch', `apt chose ${c.name} ${c.version} but it is not in the cached indexes`);
    const t = targets[hit.target]!;
    return lockedFromStanza(hit.stanza, repoKeys.indexOf(repoKey(t.uri, t.suite)));
  });
  const builder = resolveDepends(raw);
  const runtime = runtimeClosure(builder, input.runtime);

  const first = sources.map((s) => repoKeys.indexOf(repoKey(s.uri, s.suite))).find((i) => i >= 0) ?? 0;
  const rel = releases[first]!;
  return {
    lockVersion: 1,
    codename: rel.codename ?? sources[0]?.suite ?? '',
    osVersion: (rel.version ?? '').split('.')[0] ?? '',
    architecture: input.architecture,
    repositories,
    indexEpoch: Math.max(...releases.map((r) => r.date)),
    sets: { builder, runtime },
  };
  });
}

/** The architectures the downloaded Release files of `listsDir` name (their `Architectures:` fields, `all` left out). */
export function releaseArchitectures(listsDir: string): string[] {
  const archs = new Set<string>();
  let names: string[] = [];
  try { names = readdirSync(listsDir); } catch { return []; }
  for (const n of names.filter((x) => /_(In)?Release$/.test(x))) {
    const m = /^Architectures:[ \t]*(.*)$/m.exec(readFileSync(join(listsDir, n), 'utf8'));
    for (const a of m?.[1]?.trim().split(/\s+/) ?? []) if (a && a !== 'all') archs.add(a);
  }
  return [...archs].sort();
}

// A repository's catalog: released versions (digest, date, signed), where X.Y/X/latest point, dev tags by age.
import type { RegistryClient } from '../sinks/registry.js';
import { cosignSubject, digestsOf, imageCreated, repoTags } from './registry-view.js';
import { isConvenienceTag, sortReleases } from './versions.js';

/** One released version. */
export interface Release { version: string; digest: string; created?: string; signed: boolean; prerelease: boolean }
/** A convenience tag and the highest release it points to. */
export interface Pointer { tag: string; digest: string; version?: string }
/** A dev tag with its image's date and age. */
export interface DevTag { tag: string; digest: string; created?: string; ageSeconds?: number }

/** What `airlock catalog` shows. */
export interface Catalog {
  repository: string;
  releases: Release[];
  convenience: Pointer[];
  dev: DevTag[];
  /** Tags that are none of these (cosign `.sig`/`.att` tags are left out). */
  other: string[];
}

/** The dates of the images behind `digests`, each read once. */
async function datesOf(
  c: RegistryClient, repo: string, digests: Iterable<string>,
): Promise<Map<string, Date | undefined>> {
  const out = new Map<string, Date | undefined>();
  for (const d of new Set(digests)) out.set(d, await imageCreated(c, repo, d));
  return out;
}

/** Reads the catalog of `repo` and of `repo/dev`; `now` gives the dev tags' ages. */
export async function readCatalog(c: RegistryClient, repo: string, now: Date): Promise<Catalog> {
  const tags = await repoTags(c, repo);
  const versions = sortReleases(tags);
  const pointerTags = tags.filter((t) => isConvenienceTag(t) && !versions.includes(t));
  const digests = await digestsOf(c, repo, [...versions, ...pointerTags]);
  const dates = await datesOf(c, repo, versions.map((v) => digests.get(v)!).filter(Boolean));
  const signed = new Set(tags.filter((t) => t.endsWith('.sig')).map(cosignSubject));
  const releases = versions.filter((v) => digests.has(v)).map((version): Release => {
    const digest = digests.get(version)!;
    const created = dates.get(digest)?.toISOString();
    const prerelease = version.includes('-');
    return { version, digest, ...(created ? { created } : {}), signed: signed.has(digest), prerelease };
  });
  const convenience = pointerTags.filter((t) => digests.has(t)).map((tag): Pointer => {
    const digest = digests.get(tag)!;
    const version = releases.find((r) => r.digest === digest)?.version;
    return { tag, digest, ...(version ? { version } : {}) };
  });
  const other = tags.filter((t) => !versions.includes(t) && !pointerTags.includes(t) && !cosignSubject(t));
  const devRepo = `${repo}/dev`;
  const devDigests = await digestsOf(c, devRepo, (await repoTags(c, devRepo)).filter((t) => !cosignSubject(t)));
  const devDates = await datesOf(c, devRepo, devDigests.values());
  const dev = [...devDigests].map(([tag, digest]): DevTag => {
    const date = devDates.get(digest);
    const ageSeconds = date && Math.floor((now.getTime() - date.getTime()) / 1000);
    const age = date ? { created: date.toISOString(), ageSeconds } : {};
    return { tag, digest, ...age };
  });
  return { repository: `${c.host}/${repo}`, releases, convenience, dev, other };
}

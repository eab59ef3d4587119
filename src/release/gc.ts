// Deletes dev images older than a limit through the registry API (DELETE by digest); the registry's own garbage
// collection then frees their blobs. Refuses a repository that holds release tags.
import { AirlockError } from '../errors.js';
import type { Digest } from '../image/digest.js';
import type { RegistryClient } from '../sinks/registry.js';
import { cosignSubject, digestsOf, imageCreated, repoTags } from './registry-view.js';
import { isReleaseTag } from './versions.js';

/** One image of the repository and what gc did with it. */
export interface GcImage {
  digest: string;
  tags: string[];
  created?: string;
  ageSeconds?: number;
  action: 'deleted' | 'would-delete' | 'kept' | 'no-date';
}

/** What `airlock gc` did. */
export interface GcResult { repository: string; olderThanSeconds: number; dryRun: boolean; images: GcImage[] }

/** Options of `collectGarbage`. */
export interface GcOptions { olderThanMs: number; now: Date; dryRun: boolean }

/** Groups tags by the digest they point to. */
function byDigest(digests: Map<string, Digest>): Map<Digest, string[]> {
  const out = new Map<Digest, string[]>();
  for (const [tag, d] of digests) out.set(d, [...(out.get(d) ?? []), tag]);
  return out;
}

/** What happens to an image of age `age` (undefined: the image has no date, so it is kept). */
function decide(age: number | undefined, opts: GcOptions): GcImage['action'] {
  if (age === undefined) return 'no-date';
  if (age <= opts.olderThanMs) return 'kept';
  return opts.dryRun ? 'would-delete' : 'deleted';
}

/** Deletes (or, dry, lists) the images of `repo` older than the limit, with their `.sig`/`.att` tags. */
export async function collectGarbage(c: RegistryClient, repo: string, opts: GcOptions): Promise<GcResult> {
  const tags = await repoTags(c, repo);
  const releases = tags.filter(isReleaseTag);
  if (releases.length) {
    const some = releases.slice(0, 5).join(', ');
    const message = `${c.host}/${repo} holds release tags (${some}); gc deletes only from dev repositories`;
    throw new AirlockError('policy', 'gc-release-repository', message, {
      hint: 'released versions are kept for good: point gc at REPO/dev',
    });
  }
  const images = byDigest(await digestsOf(c, repo, tags.filter((t) => !cosignSubject(t))));
  const attachments = await digestsOf(c, repo, tags.filter((t) => cosignSubject(t)));
  const out: GcImage[] = [];
  for (const [digest, names] of images) {
    const date = await imageCreated(c, repo, digest);
    const age = date ? opts.now.getTime() - date.getTime() : undefined;
    const when = date ? { created: date.toISOString(), ageSeconds: Math.floor(age! / 1000) } : {};
    const action = decide(age, opts);
    if (action === 'deleted') {
      await c.deleteManifest(repo, digest);
      for (const [tag, d] of attachments) if (cosignSubject(tag) === digest) await c.deleteManifest(repo, d);
    }
    out.push({ digest, tags: names.sort(), ...when, action });
  }
  const olderThanSeconds = Math.floor(opts.olderThanMs / 1000);
  return { repository: `${c.host}/${repo}`, olderThanSeconds, dryRun: opts.dryRun, images: out };
}

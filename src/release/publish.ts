// Publishes a finished build: prod under an immutable X.Y.Z (convenience tags only forward, signature and
// attestations along), dev under latest/branch/commit, test under its commit.
import type { KeyObject } from 'node:crypto';
import { AirlockError } from '../errors.js';
import { cosignTag } from '../evidence/cosign.js';
import { blobsOf } from '../evidence/save-signed.js';
import { signWithEvidence } from '../evidence/sign-image.js';
import type { Image } from '../image/image.js';
import type { Log } from '../log.js';
import { layoutImageStore } from '../sinks/layout-store.js';
import type { RegistryClient } from '../sinks/registry.js';
import { registryImageStore } from '../sinks/registry-store.js';
import type { BuildImages } from './build-layout.js';
import { branchTag, type GitInfo } from './git-info.js';
import { repoTags, tagDigest } from './registry-view.js';
import { planConvenienceTags } from './versions.js';

/** What happened to one tag: new, moved from another digest, already there, or left where it was. */
export interface TagOutcome {
  ref: string;
  /** Where the tag points now (none for a kept tag that does not exist). */
  digest?: string;
  action: 'created' | 'moved' | 'unchanged' | 'kept';
  /** The digest a moved tag pointed to before. */
  from?: string;
  /** Why a tag was kept. */
  note?: string;
}

/** What `publish` did. */
export interface PublishResult {
  repository: string;
  version: string;
  digests: Record<keyof BuildImages, string>;
  tags: TagOutcome[];
  changed: boolean;
}

/** Everything `publish` needs, read by the caller. */
export interface PublishInput {
  client: RegistryClient;
  repo: string;
  version: string;
  images: BuildImages;
  /** The build's OCI layout (the prod signature and attestations are read from there). */
  layoutDir: string;
  /** The build's evidence folder, for attestations when signing at publish time. */
  evidenceDir?: string;
  git: GitInfo;
  key?: KeyObject;
  log: Log;
}

/**
 * Pushes `img` under `tag` unless the tag already points to it; reports which. Blobs the prod repository holds
 * (`mountFrom`) are mounted, not uploaded again.
 */
async function putTag(
  c: RegistryClient, repo: string, tag: string, img: Image, mountFrom?: string,
): Promise<TagOutcome> {
  const ref = `${c.host}/${repo}:${tag}`;
  const before = await tagDigest(c, repo, tag);
  if (before === img.digest) return { ref, digest: img.digest, action: 'unchanged' };
  await c.push(repo, tag, img, mountFrom ? { mountFrom } : {});
  return { ref, digest: img.digest, action: before ? 'moved' : 'created', ...(before ? { from: before } : {}) };
}

/** Copies prod's `.sig`/`.att` from the layout; with a key and no signature anywhere, signs in the registry. */
async function attachEvidence(input: PublishInput, digest: string): Promise<TagOutcome[]> {
  const { client: c, repo, images, log } = input;
  const layout = await layoutImageStore(input.layoutDir, { reference: images.prod.tag });
  const target = registryImageStore(c, repo, digest);
  const out: TagOutcome[] = [];
  for (const kind of ['sig', 'att'] as const) {
    const tag = cosignTag(digest, kind);
    const ref = `${c.host}/${repo}:${tag}`;
    const [here, there] = [await layout.manifest(tag), await tagDigest(c, repo, tag)];
    if (!here) continue;
    if (there === here.digest) out.push({ ref, digest: here.digest, action: 'unchanged' });
    else if (there) out.push({ ref, digest: there, action: 'kept', note: 'the registry already holds another one' });
    else {
      await target.put({ tag, manifest: here, blobs: blobsOf(layout, here) });
      out.push({ ref, digest: here.digest, action: 'created' });
    }
  }
  const sigTag = cosignTag(digest, 'sig');
  if (out.some((o) => o.ref.endsWith(sigTag)) || (await tagDigest(c, repo, sigTag))) return out;
  if (!input.key) {
    log.warn(`prod ${digest} is unsigned: build with --sign KEY or publish with --sign KEY`);
    return out;
  }
  const signed = await signWithEvidence(target, input.key, input.evidenceDir);
  for (const tag of [signed.signatureTag, signed.attestationTag].filter((t): t is string => !!t)) {
    out.push({ ref: `${c.host}/${repo}:${tag}`, digest: (await tagDigest(c, repo, tag))!, action: 'created' });
  }
  return out;
}

/** Convenience tags: moved to prod when it is the highest of their series, else left where they are. */
async function moveConvenienceTags(input: PublishInput, existing: string[]): Promise<TagOutcome[]> {
  const { client: c, repo, version } = input;
  const out: TagOutcome[] = [];
  for (const move of planConvenienceTags(version, existing)) {
    if (move.moves) {
      out.push(await putTag(c, repo, move.tag, input.images.prod.image));
      continue;
    }
    const digest = await tagDigest(c, repo, move.tag);
    const note = move.reason === 'prerelease' ? 'a prerelease moves no tag' : `${move.highest} is higher`;
    out.push({ ref: `${c.host}/${repo}:${move.tag}`, ...(digest ? { digest } : {}), action: 'kept', note });
  }
  return out;
}

/**
 * Publishes prod, dev and test. Another image under an existing X.Y.Z is refused (exit 6) before anything is
 * pushed; the same image again changes nothing. X.Y.Z is pushed last, so an interrupted publish can be rerun.
 */
export async function publish(input: PublishInput): Promise<PublishResult> {
  const { client: c, repo, version, images, git } = input;
  const prod = images.prod.image;
  const digests = { dev: images.dev.image.digest, prod: prod.digest, test: images.test.image.digest };
  const result = (tags: TagOutcome[]): PublishResult => ({
    repository: `${c.host}/${repo}`, version, digests, tags,
    changed: tags.some((t) => t.action === 'created' || t.action === 'moved'),
  });
  const existing = await repoTags(c, repo);
  const released = existing.includes(version) ? await tagDigest(c, repo, version) : undefined;
  if (released && released !== prod.digest) {
    const message = `${c.host}/${repo}:${version} is already ${released}; refusing to publish ${prod.digest} under it`;
    throw new AirlockError('policy', 'release-exists', message, {
      hint: 'released versions are immutable: publish this build under a new version',
    });
  }
  if (released) {
    const ref = `${c.host}/${repo}:${version}`;
    return result([{ ref, digest: released, action: 'unchanged', note: 'already published' }]);
  }
  await c.push(repo, undefined, prod);
  const tags = await attachEvidence(input, prod.digest);
  tags.push(...(await moveConvenienceTags(input, existing)));
  const devTags = ['latest', ...(git.branch ? [branchTag(git.branch)] : []), git.commit];
  for (const t of devTags) tags.push(await putTag(c, `${repo}/dev`, t, images.dev.image, repo));
  if (!git.branch) input.log.warn('HEAD is detached: dev gets no branch tag');
  tags.push(await putTag(c, `${repo}/test`, git.commit, images.test.image, repo));
  tags.unshift(await putTag(c, repo, version, prod));
  return result(tags);
}

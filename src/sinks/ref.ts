// Image references: `oci:DIR[:TAG]`, `docker-archive:FILE`, `docker://HOST[:PORT]/REPO[:TAG|@DIGEST]`.
import { resolve } from 'node:path';
import { AirlockError } from '../errors.js';
import { isDigest, type Digest } from '../image/digest.js';

/** A parsed image reference. */
export type ImageRef =
  | { kind: 'oci'; dir: string; tag?: string }
  | { kind: 'docker-archive'; file: string }
  | { kind: 'registry'; host: string; repo: string; tag?: string; digest?: Digest };

const REPO_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/;

function bad(ref: string, why: string): never {
  throw new AirlockError('usage', 'bad-reference', `"${ref}": ${why}`, {
    hint: 'use oci:DIR[:TAG], docker-archive:FILE or docker://HOST[:PORT]/REPO[:TAG|@sha256:…]',
  });
}

/** Parses a registry reference without the `docker://` prefix (`HOST[:PORT]/REPO[:TAG|@DIGEST]`). */
export function parseRegistryRef(s: string, original = s): Extract<ImageRef, { kind: 'registry' }> {
  const slash = s.indexOf('/');
  if (slash <= 0) bad(original, 'a registry reference needs a host and a repository, e.g. docker://127.0.0.1:5000/demo/app:v1');
  const host = s.slice(0, slash);
  let rest = s.slice(slash + 1);
  if (!HOST_RE.test(host)) bad(original, `"${host}" is not a registry host`);
  let digest: Digest | undefined;
  let tag: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!isDigest(d)) bad(original, `"${d}" is not a sha256 digest`);
    digest = d;
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) bad(original, `"${tag}" is not a valid tag`);
  }
  if (!REPO_RE.test(rest)) bad(original, `"${rest}" is not a valid repository name (lowercase letters, digits, separators . _ __ -, parts joined by /)`);
  return { kind: 'registry', host, repo: rest, ...(tag !== undefined ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** Makes the file paths of a reference absolute against `cwd`. */
function resolveRef(r: ImageRef, cwd: string): ImageRef {
  if (r.kind === 'oci') return { ...r, dir: resolve(cwd, r.dir) };
  if (r.kind === 'docker-archive') return { ...r, file: resolve(cwd, r.file) };
  return r;
}

/** Parses any supported reference; with `cwd`, relative paths are taken from there. */
export function parseRef(ref: string, cwd?: string): ImageRef {
  const r = parseText(ref);
  return cwd === undefined ? r : resolveRef(r, cwd);
}

function parseText(ref: string): ImageRef {
  if (ref.startsWith('docker://')) return parseRegistryRef(ref.slice('docker://'.length), ref);
  if (ref.startsWith('docker-archive:')) {
    const file = ref.slice('docker-archive:'.length);
    if (!file) bad(ref, 'missing file name');
    return { kind: 'docker-archive', file };
  }
  if (ref.startsWith('oci:')) {
    const body = ref.slice(4);
    // The tag is what follows the last ':' unless that part contains '/', which makes it part of the path.
    const colon = body.lastIndexOf(':');
    const dir = colon > 0 && !body.slice(colon + 1).includes('/') ? body.slice(0, colon) : body;
    const tag = dir === body ? undefined : body.slice(colon + 1);
    if (!dir) bad(ref, 'missing directory');
    if (tag === '') bad(ref, 'empty tag');
    return { kind: 'oci', dir, ...(tag !== undefined ? { tag } : {}) };
  }
  bad(ref, 'unsupported image reference (unknown transport)');
}

/** Formats a reference back into its string form. */
export function formatRef(r: ImageRef): string {
  if (r.kind === 'oci') return `oci:${r.dir}${r.tag !== undefined ? `:${r.tag}` : ''}`;
  if (r.kind === 'docker-archive') return `docker-archive:${r.file}`;
  return `docker://${r.host}/${r.repo}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

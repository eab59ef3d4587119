// The cache's folders and what `airlock cache du` calls them; the writers own their formats (README.md lists them).

/** What `du` reports, in this order. */
export const USAGE_KINDS = [
  'debs', 'rootfs', 'blobs', 'layers', 'steps+cas', 'gates', 'builds', 'lang', 'npm', 'upstream', 'run', 'apt', 'tmp', 'other',
] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

const FOLDER_KINDS: Readonly<Record<string, UsageKind>> = {
  debs: 'debs', rootfs: 'rootfs', blobs: 'blobs', layers: 'layers', steps: 'steps+cas', cas: 'steps+cas', gates: 'gates',
  builds: 'builds', lang: 'lang', npm: 'npm', upstream: 'upstream', run: 'run', apt: 'apt', tmp: 'tmp',
};

/** The `du` kind of a top-level name in the cache (holds/, flags/ and anything unknown are "other"). */
export function usageKindOf(name: string): UsageKind {
  return Object.hasOwn(FOLDER_KINDS, name) ? FOLDER_KINDS[name]! : 'other';
}

/** What prune removes, least recently used first: inputs, derived trees, content, and records naming content. */
export type EntryKind =
  'debs' | 'npm' | 'rootfs' | 'upstream' | 'run' | 'blobs' | 'cas' | 'layers' | 'steps' | 'gates' | 'builds';

/** Content stores `<folder>/<algorithm>/<hex>`, with verify-once records in `<folder>/verified/`. */
export const CONTENT_STORES: readonly { kind: EntryKind; dir: readonly string[]; hexLength: number }[] = [
  { kind: 'debs', dir: ['debs', 'sha256'], hexLength: 64 },
  { kind: 'npm', dir: ['npm', 'sha512'], hexLength: 128 },
  { kind: 'cas', dir: ['cas', 'sha256'], hexLength: 64 },
  { kind: 'blobs', dir: ['blobs', 'blobs', 'sha256'], hexLength: 64 },
];

/** Content named by records: a record's `sha256`/`digest` strings keep these from being removed while it is kept. */
export const REFERENCED_KINDS: readonly EntryKind[] = ['blobs', 'cas'];

/** Folders of small JSON records (`<key>.json`). */
export const RECORD_FOLDERS: readonly EntryKind[] = ['layers', 'steps', 'gates', 'builds'];

/**
 * Derived trees kept as `<key>` folder plus sibling files (`<key>.tar`, `<key>.ok`…), one entry per key; `run` holds
 * the root file systems `airlock run` and `airlock dev` unpacked, one folder per image digest.
 */
export const TREE_FOLDERS: readonly { kind: EntryKind; dir: readonly string[] }[] = [
  { kind: 'rootfs', dir: ['rootfs'] },
  { kind: 'upstream', dir: ['upstream', 'trees'] },
  { kind: 'run', dir: ['run'] },
];

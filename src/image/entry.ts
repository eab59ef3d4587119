// The one file-system entry type shared by layers, package extraction, the handoff and the gates.

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink';

/** An entry of an image file system or a layer, independent of where its bytes live. */
export interface FileEntry {
  /** Relative POSIX path: no leading '/', no '.' or '..' components, no trailing '/'. */
  path: string;
  type: EntryType;
  /** Permission bits including setuid/setgid/sticky (0o7777 mask); no file-type bits. */
  mode: number;
  uid: number;
  gid: number;
  /** Content length for files; 0 for everything else. */
  size: number;
  /** Symlink target as stored, or for a hardlink the relative path of the entry it links to. */
  linkname?: string;
  /** Modification time in seconds, only when read from a foreign image (our writers use the epoch). */
  mtime?: number;
  /** Opens the content of a file (called at most once per write; may be called again for a re-read). */
  open?: () => AsyncIterable<Uint8Array>;
}

/**
 * A file entry's whole content. Entries read from memory yield one chunk, which is returned as it is (a view, not a
 * copy: callers only read it).
 */
export async function entryBytes(e: Pick<FileEntry, 'open'>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  if (e.open) for await (const c of e.open()) chunks.push(c);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

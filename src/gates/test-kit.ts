// Small builders of in-memory entries and images for the gate tests (no I/O).
import type { FileEntry } from '../image/entry.js';
import { imageFsFromEntries } from './fs-view.js';
import type { ImageConfigView, ImageFs } from './fs-types.js';

/** A regular file with the given content (string or bytes). */
export function file(path: string, content: string | Uint8Array = '', over: Partial<FileEntry> = {}): FileEntry {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: bytes.length, open: async function* () { yield bytes; }, ...over };
}

/** A directory. */
export function dir(path: string, over: Partial<FileEntry> = {}): FileEntry {
  return { path, type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, ...over };
}

/** A symlink. */
export function link(path: string, target: string): FileEntry {
  return { path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: target };
}

/** A hardlink to an earlier path. */
export function hardlink(path: string, target: string): FileEntry {
  return { path, type: 'hardlink', mode: 0o644, uid: 0, gid: 0, size: 0, linkname: target };
}

/** A config view with sensible defaults (non-root user, entrypoint /app). */
export function config(over: Partial<ImageConfigView> = {}): ImageConfigView {
  return { user: '65532', entrypoint: ['/app'], env: [], labels: {}, created: '2023-11-14T22:13:20Z', ...over };
}

/** An image of in-memory layers. */
export function image(layers: FileEntry[][], cfg: Partial<ImageConfigView> = {}): Promise<ImageFs> {
  return imageFsFromEntries(layers, config(cfg));
}

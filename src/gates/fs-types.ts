// The merged file system of an image as the gates see it: entries with their layer, and the image config.
import type { FileEntry } from '../image/entry.js';

/** An entry of the merged image file system, tagged with the layer it comes from (0 = base). */
export interface FsEntry extends FileEntry {
  layer: number;
  /** Where this entry's content lives (for hardlinks: the target's layer and position). */
  content?: ContentRef;
}

/** Position of a file's bytes: layer index and ordinal of the entry within that layer's stream. */
export interface ContentRef { layer: number; ordinal: number }

/** The parts of the image config the gates look at (OCI `config` fields plus `created`). */
export interface ImageConfigView {
  user?: string;
  entrypoint?: string[];
  cmd?: string[];
  env: string[];
  workingDir?: string;
  created?: string;
  labels: Record<string, string>;
  architecture?: string;
  os?: string;
}

/** One entry read from a layer, with a way to read its content while the layer is being read. */
export interface LayerItem {
  entry: FileEntry;
  /** Opens the content; for streamed layers valid only until the next item is requested. */
  read?: () => AsyncIterable<Uint8Array>;
}

/** A layer the view can read (again): opening it yields its entries in a stable order. */
export interface LayerSource {
  open(): AsyncIterable<LayerItem>;
  /** Label for messages (e.g. the layer digest). */
  name?: string;
  /** Oddities the source met while reading (e.g. skipped device nodes); merged into ImageFs.problems. */
  problems?: readonly string[];
  /** The same entries as `open` gives, when they are held in memory: read without a wait per entry. */
  entries?: readonly FileEntry[];
}

/** Per-layer statistics. */
export interface LayerStats { index: number; name: string; entries: number; bytes: number; whiteouts: number }

/** Limits for foreign or hostile images. */
export interface FsLimits {
  /** Entries across all layers. */
  maxEntries: number;
  /** Sum of file sizes across all layers. */
  maxBytes: number;
}

/** Default limits: one million entries, 16 GiB of file content. */
export const DEFAULT_FS_LIMITS: FsLimits = { maxEntries: 1_000_000, maxBytes: 16 * 1024 ** 3 };

/** Reads content of chosen entries: `want(e)` says how many leading bytes to read (0 = skip). */
export type ScanWant = (e: FsEntry) => number;
/** Receives the (possibly truncated) leading bytes of a wanted entry. */
export type ScanVisit = (e: FsEntry, bytes: Uint8Array, truncated: boolean) => void | Promise<void>;

/** A read-only view of a whole image. */
export interface ImageFs {
  readonly config: ImageConfigView;
  readonly layers: readonly LayerStats[];
  /** Visible entries of the merged file system, sorted by path. */
  readonly entries: readonly FsEntry[];
  /** Entries deleted (whiteout) or replaced by a later layer: not visible, but still shipped in the image. */
  readonly shadowed: readonly FsEntry[];
  /** Oddities met while merging (e.g. a hardlink to a missing file). */
  readonly problems: readonly string[];
  /** The visible entry at a path (no symlink resolution). */
  get(path: string): FsEntry | undefined;
  /** Follows symlinks (in every component, at most 40 hops) from the image root. */
  resolve(path: string): { entry?: FsEntry; path: string; error?: 'missing' | 'loop' };
  /** Reads the leading bytes of wanted entries, one layer pass at a time (bounded memory). */
  scan(want: ScanWant, visit: ScanVisit, opts?: { includeShadowed?: boolean }): Promise<void>;
}

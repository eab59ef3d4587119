// Applies layers in order, overlay-style: whiteouts, opaque directories, replacements and hardlinks.
import { AirlockError } from '../errors.js';
import type { FileEntry } from '../image/entry.js';
import { checkEntryPath } from '../image/path-safety.js';
import type { FsEntry, FsLimits, LayerStats } from './fs-types.js';

const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const dirName = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/** Accumulates layers into the merged view; call add() per entry, endLayer() after each layer. */
export class FsMerger {
  readonly visible = new Map<string, FsEntry>();
  readonly shadowed: FsEntry[] = [];
  readonly problems: string[] = [];
  readonly layers: LayerStats[] = [];
  private removed = new Set<string>(); // paths whose lower-layer subtree goes away at the end of the layer
  private opaque = new Set<string>(); // directories whose lower-layer children go away
  private layer = -1;
  private ordinal = 0;
  private stats: LayerStats = { index: -1, name: '', entries: 0, bytes: 0, whiteouts: 0 };
  private totalEntries = 0;
  private totalBytes = 0;

  constructor(private readonly limits: FsLimits) {}

  /** Starts the next layer. */
  beginLayer(name: string): void {
    this.layer++;
    this.ordinal = 0;
    this.stats = { index: this.layer, name, entries: 0, bytes: 0, whiteouts: 0 };
  }

  /** Adds one entry of the current layer; returns the ordinal used to find its content again. */
  add(e: FileEntry): number {
    const ordinal = this.ordinal++;
    const where = `${this.stats.name}`;
    if (++this.totalEntries > this.limits.maxEntries) {
      throw new AirlockError('image', 'too-many-entries', `${where}: the image has more than ${this.limits.maxEntries} entries`, { hint: 'raise the limit with --max-entries if the image is trusted' });
    }
    this.totalBytes += e.type === 'file' ? e.size : 0;
    if (this.totalBytes > this.limits.maxBytes) {
      throw new AirlockError('image', 'too-large', `${where}: the image holds more than ${this.limits.maxBytes} bytes of file content`, { hint: 'raise the limit with --max-bytes if the image is trusted' });
    }
    checkEntryPath(e.path, where);
    this.stats.entries++;
    this.stats.bytes += e.type === 'file' ? e.size : 0;
    const name = baseName(e.path);
    if (name.startsWith(WH)) {
      this.stats.whiteouts++;
      if (name === OPAQUE) this.opaque.add(dirName(e.path));
      else if (!name.startsWith(WH + WH)) this.removed.add((dirName(e.path) ? dirName(e.path) + '/' : '') + name.slice(WH.length));
      return ordinal;
    }
    // Built field by field, `open` added not enumerable (not spread, then deleted): a deleted property turns each of
    // the builder layer's twelve thousand entries into a slow dictionary object, five times slower to make and read.
    const entry: FsEntry = { path: e.path, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, size: e.size, layer: this.layer };
    if (e.linkname !== undefined) entry.linkname = e.linkname;
    if (e.mtime !== undefined) entry.mtime = e.mtime;
    if (e.open) Object.defineProperty(entry, 'open', { value: e.open, enumerable: false });
    if (e.type === 'file') entry.content = { layer: this.layer, ordinal };
    if (e.type === 'hardlink') this.linkTo(entry);
    const old = this.visible.get(e.path);
    if (old) {
      this.shadowed.push(old);
      if (old.type === 'dir' && e.type !== 'dir' && old.layer < this.layer) this.removed.add(e.path + '/');
    }
    this.visible.set(e.path, entry);
    return ordinal;
  }

  private linkTo(entry: FsEntry): void {
    const target = entry.linkname === undefined ? undefined : this.visible.get(entry.linkname);
    if (!target || (target.type !== 'file' && target.type !== 'hardlink')) {
      this.problems.push(`${this.stats.name}: hardlink "${entry.path}" points to "${entry.linkname}", which is not a file in this or a lower layer`);
      return;
    }
    // A hardlink shares the inode: mode, owner, size and content come from the target.
    Object.assign(entry, { mode: target.mode, uid: target.uid, gid: target.gid, size: target.size });
    if (target.content) entry.content = target.content;
    if (target.open) Object.defineProperty(entry, 'open', { value: target.open, enumerable: false });
  }

  /**
   * A merger that goes on from this one's state (between layers): the same entries (never changed once added) in
   * maps and lists of its own. dev's and test's views share the builder layer's twelve thousand or more entries.
   */
  fork(): FsMerger {
    if (this.removed.size || this.opaque.size || this.layers.length !== this.layer + 1) throw new Error('internal: FsMerger.fork inside a layer');
    const m = new FsMerger(this.limits);
    for (const [k, v] of this.visible) m.visible.set(k, v);
    m.shadowed.push(...this.shadowed);
    m.problems.push(...this.problems);
    m.layers.push(...this.layers);
    m.layer = this.layer;
    m.totalEntries = this.totalEntries;
    m.totalBytes = this.totalBytes;
    return m;
  }

  /** Ends the current layer: applies its whiteouts and opaque markers to lower layers. */
  endLayer(): void {
    if (this.removed.size || this.opaque.size) {
      for (const [path, e] of this.visible) {
        if (e.layer >= this.layer) continue;
        if (this.hidden(path)) {
          this.visible.delete(path);
          this.shadowed.push(e);
        }
      }
    }
    this.removed = new Set();
    this.opaque = new Set();
    this.layers.push(this.stats);
  }

  // True when a whiteout or opaque marker of the current layer hides `path`.
  private hidden(path: string): boolean {
    if (this.removed.has(path)) return true;
    let p = path;
    while (p.includes('/')) {
      p = dirName(p);
      if (this.removed.has(p) || this.removed.has(p + '/') || this.opaque.has(p)) return true;
    }
    return this.opaque.has('');
  }
}

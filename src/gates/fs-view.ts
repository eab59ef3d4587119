// Builds an ImageFs from layers (streamed tar entries or in-memory FileEntry lists) and reads content lazily.
import { AirlockError } from '../errors.js';
import type { FileEntry } from '../image/entry.js';
import { configView, type ConfigLike } from './image-config.js';
import { FsMerger } from './fs-merge.js';
import { resolvePath } from './fs-resolve.js';
import { DEFAULT_FS_LIMITS, type FsEntry, type FsLimits, type ImageConfigView, type ImageFs, type LayerSource, type ScanVisit, type ScanWant } from './fs-types.js';

export type { FsEntry, ImageFs, ImageConfigView, LayerSource, LayerItem, FsLimits } from './fs-types.js';

/** A layer source over entries held in memory (their `open` stays valid). */
export function entriesLayer(entries: readonly FileEntry[], name = 'layer'): LayerSource {
  return {
    name, entries,
    async *open() {
      for (const entry of entries) yield entry.open ? { entry, read: entry.open } : { entry };
    },
  };
}

/** Reads at most `limit` bytes from a stream; stops pulling once the limit is reached. */
export async function readPrefix(src: AsyncIterable<Uint8Array>, limit: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const parts: Uint8Array[] = [];
  let got = 0;
  let truncated = false;
  for await (const c of src) {
    if (got + c.length > limit) {
      parts.push(c.subarray(0, limit - got));
      got = limit;
      truncated = true;
      break;
    }
    parts.push(c);
    got += c.length;
  }
  return { bytes: Buffer.concat(parts, got), truncated };
}

class View implements ImageFs {
  readonly entries: FsEntry[];
  constructor(
    readonly config: ImageConfigView,
    private readonly sources: readonly LayerSource[],
    private readonly m: FsMerger,
  ) {
    this.entries = [...m.visible.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  get layers() { return this.m.layers; }
  get shadowed() { return this.m.shadowed; }
  get problems() { return [...this.m.problems, ...this.sources.flatMap((s) => s.problems ?? [])]; }
  get(path: string) { return this.m.visible.get(path.replace(/^\/+/, '').replace(/\/+$/, '')); }
  resolve(path: string) { return resolvePath((p) => this.m.visible.get(p), path); }

  async scan(want: ScanWant, visit: ScanVisit, opts: { includeShadowed?: boolean } = {}): Promise<void> {
    // Group wanted entries by the content they point to, then read each layer once, in order.
    const byLayer = new Map<number, Map<number, { limit: number; entries: FsEntry[] }>>();
    const pool = opts.includeShadowed ? [...this.entries, ...this.shadowed] : this.entries;
    for (const e of pool) {
      if (!e.content) continue;
      const n = want(e);
      if (n <= 0) continue;
      const m = byLayer.get(e.content.layer) ?? new Map();
      byLayer.set(e.content.layer, m);
      const slot = m.get(e.content.ordinal) ?? { limit: 0, entries: [] };
      slot.limit = Math.max(slot.limit, Math.min(n, e.size));
      slot.entries.push(e);
      m.set(e.content.ordinal, slot);
    }
    for (const layer of [...byLayer.keys()].sort((a, b) => a - b)) {
      const wanted = byLayer.get(layer)!;
      const src = this.sources[layer]!;
      let ordinal = 0;
      let left = wanted.size;
      for await (const item of src.open()) {
        const slot = wanted.get(ordinal++);
        if (!slot) continue;
        const { bytes, truncated } = item.read ? await readPrefix(item.read(), slot.limit) : { bytes: new Uint8Array(0), truncated: slot.limit > 0 };
        for (const e of slot.entries) await visit(e, bytes, truncated || bytes.length < e.size);
        if (--left === 0) break;
      }
    }
  }
}

/** The merged state after a first layer given as an entry list, by that list: dev and test share the builder's. */
const firstLayers = new WeakMap<readonly FileEntry[], { limits: FsLimits; name: string | undefined; merged: FsMerger }>();

/** Builds the merged view by reading every layer once (metadata only); content is read later by scan(). */
export async function buildImageFs(layers: readonly LayerSource[], config: ConfigLike | ImageConfigView | undefined, limits: FsLimits = DEFAULT_FS_LIMITS): Promise<ImageFs> {
  // A first layer given as an entry list merged before (under the same name and limits) is not merged again.
  const first = layers[0]?.entries;
  const known = first ? firstLayers.get(first) : undefined;
  const reuse = known && known.limits === limits && known.name === layers[0]!.name;
  let m = reuse ? known.merged.fork() : new FsMerger(limits);
  for (const [i, src] of layers.entries()) {
    if (i === 0 && reuse) continue;
    if (i === 1 && first && !reuse) {
      firstLayers.set(first, { limits, name: layers[0]!.name, merged: m });
      m = m.fork();
    }
    m.beginLayer(src.name ?? `layer ${i}`);
    if (src.entries) for (const e of src.entries) m.add(e);
    else for await (const item of src.open()) m.add(item.entry);
    m.endLayer();
  }
  const view = config && 'labels' in config && 'env' in config ? (config as ImageConfigView) : configView(config as ConfigLike | undefined);
  return new View(view, layers, m);
}

/** Builds the merged view from in-memory layers (the build's FileEntry lists). */
export function imageFsFromEntries(layers: readonly (readonly FileEntry[])[], config: ConfigLike | ImageConfigView | undefined, limits: FsLimits = DEFAULT_FS_LIMITS): Promise<ImageFs> {
  return buildImageFs(layers.map((l, i) => entriesLayer(l, `layer ${i}`)), config, limits);
}

/** Reads one visible file completely, refusing files larger than `limit` bytes. */
export async function readWhole(fs: ImageFs, path: string, limit: number): Promise<Uint8Array> {
  const e = fs.get(path);
  if (!e || !e.content) throw new AirlockError('image', 'no-such-file', `the image has no file "${path}"`);
  if (e.size > limit) throw new AirlockError('image', 'file-too-large', `"${path}" is ${e.size} bytes, more than the ${limit}-byte limit`);
  let out: Uint8Array = new Uint8Array(0);
  await fs.scan((x) => (x === e ? limit : 0), (_x, b) => { out = b; });
  return out;
}

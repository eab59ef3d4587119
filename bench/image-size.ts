// Measures a finished image for bench/sizes.ts: the uncompressed length of each layer tar and its gzip-compressed
// length, summed, and the Debian packages its dpkg status lists. Layers stored compressed (airlock's OCI layout)
// count as stored, as their manifest lists them; layers stored as plain tars (`docker save`) are gzipped here at
// zlib's default level 6, the level of the gzip `docker push` writes (Go's compress/gzip default).
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { parseStatus, type InstalledPackage } from '../src/evidence/image-packages.js';
import type { Image } from '../src/image/image.js';
import { uncompressedStream, type Layer } from '../src/image/layer.js';
import { MediaType } from '../src/image/media-types.js';
import { readTar } from '../src/image/tar-read.js';
import type { ImageSize } from './sizes-table.js';

/** An image's size and the packages of the last var/lib/dpkg/status in its layers (none for a distroless one). */
export interface ImageMeasure extends ImageSize { packages: InstalledPackage[] }

/** Reads every layer once: tar bytes, gzip bytes, and dpkg's status file when the layer has one. */
export async function measureImage(img: Image): Promise<ImageMeasure> {
  let tar = 0;
  let gz = 0;
  let status: string | undefined;
  for (const l of img.layers) {
    const m = await measureLayer(l);
    tar += m.tar;
    gz += m.gz;
    status = m.status ?? status;
  }
  return { tar, gz, packages: status ? parseStatus(status) : [] };
}

const STATUS = 'var/lib/dpkg/status';

async function measureLayer(l: Layer): Promise<ImageSize & { status?: string }> {
  const plain = l.mediaType === MediaType.layer || l.mediaType === MediaType.dockerLayer;
  const gzip = plain ? createGzip() : undefined;
  let gz = plain ? 0 : l.size;
  gzip?.on('data', (c: Buffer) => { gz += c.length; });
  const gzipped = gzip ? once(gzip, 'end') : Promise.resolve();
  let tar = 0;
  const inner = uncompressedStream(l)[Symbol.asyncIterator]();
  const next = async (): Promise<IteratorResult<Uint8Array>> => {
    const r = await inner.next();
    if (r.done) return r;
    tar += r.value.length;
    if (gzip && !gzip.write(r.value)) await once(gzip, 'drain');
    return r;
  };
  // The tar reader stops at the end-of-archive blocks; the rest of the stream is counted after it.
  const counted: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({ next, return: async () => ({ done: true as const, value: undefined }) }),
  };
  let status: string | undefined;
  try {
    for await (const item of readTar(counted, { where: `layer ${l.digest}` })) {
      if (item.entry.path !== STATUS || item.entry.type !== 'file') continue;
      const chunks: Uint8Array[] = [];
      for await (const c of item.body) chunks.push(c);
      status = Buffer.concat(chunks).toString('utf8');
    }
  } catch {
    // airlock's reader refuses entries a layer may still hold (device nodes): the bytes are counted all the same,
    // only a status file after that entry goes unseen.
  }
  for (let r = await next(); !r.done; r = await next());
  gzip?.end();
  await gzipped;
  return { tar, gz, ...(status !== undefined ? { status } : {}) };
}

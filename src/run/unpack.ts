// Unpacks an image's layers into a root file system on disk (what runc runs), kept by image digest so that the next
// run of the same image starts at once. Whiteouts are applied; nothing is written through a symlink.
import { createWriteStream } from 'node:fs';
import { chmod, lchown, link, lstat, mkdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { touchCacheEntry } from '../cache/touch.js';
import { AirlockError } from '../errors.js';
import { hexOf } from '../image/digest.js';
import type { FileEntry } from '../image/entry.js';
import type { Image } from '../image/image.js';
import { layerItems } from '../image/layer.js';

const DONE = '.airlock-unpacked';

/** Fails when a parent of `rel` inside `root` is a symlink (a layer must not write outside the root through one). */
async function checkParents(root: string, rel: string): Promise<void> {
  const parts = rel.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const st = await lstat(join(root, ...parts.slice(0, i))).catch(() => undefined);
    if (st?.isSymbolicLink()) {
      throw new AirlockError(
        'image',
        'unsafe-layer',
        `a layer writes /${rel} through the symlink /${parts.slice(0, i).join('/')}`,
        {
          hint: 'airlock run unpacks only layers that write real paths',
        },
      );
    }
    if (!st) return;
  }
}

async function place(root: string, e: FileEntry, body: AsyncIterable<Uint8Array>, owner: boolean): Promise<void> {
  const target = join(root, e.path);
  const base = e.path.slice(e.path.lastIndexOf('/') + 1);
  await checkParents(root, e.path);
  if (base === '.wh..wh..opq') {
    await rm(dirname(target), { recursive: true, force: true });
    await mkdir(dirname(target), { recursive: true });
    return;
  }
  if (base.startsWith('.wh.')) {
    await rm(join(dirname(target), base.slice(4)), { recursive: true, force: true });
    return;
  }
  await mkdir(dirname(target), { recursive: true });
  const old = await lstat(target).catch(() => undefined);
  if (old && !(old.isDirectory() && e.type === 'dir')) await rm(target, { recursive: true, force: true });
  if (e.type === 'dir') await mkdir(target, { recursive: true });
  else if (e.type === 'symlink') await symlink(e.linkname ?? '', target);
  else if (e.type === 'hardlink') await link(join(root, e.linkname ?? ''), target);
  else await pipeline(Readable.from(body), createWriteStream(target, { mode: 0o600 }));
  if (e.type === 'symlink' || e.type === 'hardlink') {
    if (owner && e.type === 'symlink') await lchown(target, e.uid, e.gid);
    return;
  }
  if (owner) await lchown(target, e.uid, e.gid);
  await chmod(target, e.mode & 0o7777);
}

/**
 * The image's root file system under `cacheDir/<digest hex>/rootfs`, unpacked once. Each use touches the folder: its
 * mtime is the entry's last use for `airlock cache prune` (src/cache/touch.ts), touched before it is read.
 */
export async function unpackedRootfs(img: Image, cacheDir: string): Promise<string> {
  const dir = join(cacheDir, hexOf(img.digest));
  const rootfs = join(dir, 'rootfs');
  if ((await touchCacheEntry(dir)) && (await stat(join(dir, DONE)).catch(() => undefined))) return rootfs;
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  const owner = process.getuid?.() === 0;
  try {
    await mkdir(join(tmp, 'rootfs'), { recursive: true });
    for (const layer of img.layers) {
      for await (const { entry, body } of layerItems(layer)) await place(join(tmp, 'rootfs'), entry, body, owner);
    }
    await writeFile(join(tmp, DONE), `${img.digest}\n`);
    await touchCacheEntry(tmp);
    await rename(tmp, dir).catch(async (e: NodeJS.ErrnoException) => {
      // Another run unpacked it meanwhile: use theirs.
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
      await rm(tmp, { recursive: true, force: true });
    });
    return rootfs;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

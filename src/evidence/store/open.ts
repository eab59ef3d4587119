// Opens the ImageStore an image reference names (the one place that picks registry or layout).
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { AirlockError } from '../../errors.js';
import { archiveStore, type ArchiveReader } from './archive-store.js';
import { layoutStore } from './layout-store.js';
import { parseImageRef } from './image-ref.js';
import { registryStore, type RegistryAccessFactory } from './registry-store.js';
import type { ImageStore } from './store.js';

function layoutRepository(dir: string, reference: string | undefined): string {
  try {
    const idx = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests?: { digest: string; annotations?: Record<string, string> }[] };
    const ref = (idx.manifests ?? []).map((m) => m.annotations?.['org.opencontainers.image.ref.name'])
      .find((n) => n && (!reference || n === reference || n.endsWith(':' + reference)) && n.includes(':'));
    if (ref) return ref.slice(0, ref.lastIndexOf(':'));
  } catch {
    // the store reports an unreadable layout when it is used
  }
  return basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
}

/** The store for `ref` (registry access and the archive reader come from the sinks, passed in by the commands): docker://… (http when `insecure`), oci:DIR[:TAG], docker-archive:FILE or a layout folder relative to `cwd`; `repository` names a layout's image in payloads and purls. */
export function openImageStore(ref: string, opts: { insecure: boolean; cwd: string; repository?: string; readArchive?: ArchiveReader; registry?: RegistryAccessFactory }): ImageStore {
  const r = parseImageRef(ref);
  if (r.kind === 'registry') {
    if (!opts.registry) throw new AirlockError('usage', 'registry-unsupported', `registry images are not supported here (${ref})`, { hint: 'use oci:DIR[:TAG]' });
    return registryStore(r.host, r.repository, r.reference, opts.registry(r.host, r.repository, opts.insecure));
  }
  if (r.kind === 'archive') {
    const file = resolve(opts.cwd, r.file);
    if (!opts.readArchive) throw new AirlockError('usage', 'archive-unsupported', `docker-archive images are not supported here (${ref})`, { hint: 'use oci:DIR[:TAG] or docker://…' });
    return archiveStore(file, opts.repository ?? basename(file).replace(/\.tar$/, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-'), opts.readArchive);
  }
  const dir = resolve(opts.cwd, r.dir);
  return layoutStore(dir, r.reference, opts.repository ?? layoutRepository(dir, r.reference));
}

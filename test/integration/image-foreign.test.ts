// Reading what other tools wrote: skopeo's docker-archive (uncompressed layers, no manifest) and OCI layouts,
// and podman save output; every result is validated and round-trips back through our own sinks.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layerFromEntries } from '../../src/image/layer.js';
import { newImage } from '../../src/image/image.js';
import { fsBlobStore } from '../../src/sinks/blob-store.js';
import { readLayout, writeLayout } from '../../src/sinks/oci-layout.js';
import { readDockerArchive, writeDockerArchive } from '../../src/sinks/docker-archive.js';
import { summarizeImage } from '../../src/image/summary.js';
import { validateImage, validateLayout } from '../validate.js';

const work = mkdtempSync(join(tmpdir(), 'airlock-foreign-'));
after(() => rmSync(work, { recursive: true, force: true }));
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('skopeo-written docker-archive and OCI layout, and podman save output, read back with the same diffIDs', async () => {
  const file = (path: string, text: string) => { const b = Buffer.from(text); return { path, type: 'file' as const, mode: 0o755, uid: 0, gid: 0, size: b.length, open: async function* () { yield b; } }; };
  const ours = join(work, 'ours');
  const { layer } = await layerFromEntries([file('usr/bin/x', '#!/bin/sh\n'.repeat(100)), file('etc/y', 'y')], { epoch: 1, store: fsBlobStore(ours) });
  const image = newImage({ layers: [layer], architecture: 'amd64', os: 'linux', epoch: 1, config: { Cmd: ['/usr/bin/x'] } });
  await writeLayout(ours, { tag: 'v1', image });

  // skopeo → docker-archive (skopeo stores the layer uncompressed and writes no OCI manifest).
  const skArchive = join(work, 'skopeo.tar');
  sh('skopeo', ['copy', `oci:${ours}:v1`, `docker-archive:${skArchive}:demo/x:v1`]);
  const fromArchive = await readDockerArchive(skArchive);
  await validateImage(fromArchive, 'skopeo docker-archive');
  assert.deepEqual(fromArchive.config.rootfs.diff_ids, image.config.rootfs.diff_ids);
  const s = await summarizeImage(fromArchive);
  assert.equal(s.fileCount, 5);

  // skopeo → OCI layout (its own JSON formatting and blob names).
  const skLayout = join(work, 'sk-layout');
  sh('skopeo', ['copy', `docker-archive:${skArchive}`, `oci:${skLayout}:copied`]);
  const fromLayout = await readLayout(skLayout, 'copied');
  await validateImage(fromLayout, 'skopeo layout');
  assert.deepEqual(fromLayout.config.rootfs.diff_ids, image.config.rootfs.diff_ids);
  // Foreign bytes are kept as they are: the digest is the one skopeo reports.
  assert.equal(JSON.parse(sh('skopeo', ['inspect', `oci:${skLayout}:copied`])).Digest, fromLayout.digest);

  // ...and they can be written through our sinks again, unchanged.
  const again = join(work, 'again');
  await writeLayout(again, [{ tag: 'from-archive', image: fromArchive }, { tag: 'from-layout', image: fromLayout }]);
  await validateLayout(again);
  assert.equal((await readLayout(again, 'from-layout')).digest, fromLayout.digest);

  // podman save (docker-archive) of an image loaded from our archive.
  const root = join(work, 'podman');
  const p = ['--storage-driver', 'vfs', '--root', join(root, 'root'), '--runroot', join(root, 'run')];
  const ourArchive = join(work, 'ours.tar');
  await writeDockerArchive(ourArchive, image, { repoTags: ['demo/x:v1'] });
  sh('podman', [...p, 'load', '-i', ourArchive]);
  const saved = join(work, 'podman-save.tar');
  sh('podman', [...p, 'save', '--format', 'docker-archive', '-o', saved, 'localhost/demo/x:v1']);
  const fromPodman = await readDockerArchive(saved);
  await validateImage(fromPodman, 'podman save');
  assert.deepEqual(fromPodman.config.rootfs.diff_ids, image.config.rootfs.diff_ids);
  sh('podman', [...p, 'rmi', '-a', '-f']);
});

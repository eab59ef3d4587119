// runImage proves our layouts run under a real OCI runtime (umoci + runc): a static binary, as nonroot, read-only root.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layerFromEntries } from '../../src/image/layer.js';
import { newImage } from '../../src/image/image.js';
import { fsBlobStore } from '../../src/sinks/blob-store.js';
import { entriesFromDir } from '../../src/sinks/dir-source.js';
import { writeLayout } from '../../src/sinks/oci-layout.js';
import { runImage } from '../helpers/oci-runtime.js';
import { validateLayout } from '../validate.js';

const work = mkdtempSync(join(tmpdir(), 'airlock-runtime-'));
after(() => rmSync(work, { recursive: true, force: true }));

const PROGRAM = `
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
int main(int argc, char **argv) {
  int fd = open("/probe", O_CREAT | O_WRONLY, 0644);
  printf("hello uid=%d gid=%d root=%s", (int)getuid(), (int)getgid(), fd >= 0 ? "rw" : strerror(errno));
  for (int i = 1; i < argc; i++) printf(" arg=%s", argv[i]);
  printf("\\n");
  return argc > 1 && strcmp(argv[1], "fail") == 0 ? 3 : 0;
}
`;

test('a static binary image runs with runc as 65532 on a read-only root; args and exit codes come back', async () => {
  const root = join(work, 'rootfs');
  execFileSync('mkdir', ['-p', join(root, 'usr/bin')]);
  writeFileSync(join(work, 'hello.c'), PROGRAM);
  execFileSync('gcc', ['-static', '-Os', '-o', join(root, 'usr/bin/hello'), join(work, 'hello.c')]);
  const layout = join(work, 'layout');
  const { layer } = await layerFromEntries(await entriesFromDir(root, { owner: { uid: 0, gid: 0 } }), { epoch: 1700000000, store: fsBlobStore(layout) });
  const image = newImage({ layers: [layer], architecture: 'amd64', os: 'linux', epoch: 1700000000, config: { User: '65532:65532', Entrypoint: ['/usr/bin/hello'] } });
  await writeLayout(layout, { tag: 'prod', image });
  await validateLayout(layout, 'prod');

  const ro = await runImage(layout, 'prod', { readOnly: true });
  assert.equal(ro.code, 0, ro.stderr);
  assert.equal(ro.stdout, 'hello uid=65532 gid=65532 root=Read-only file system\n');
  const withArgs = await runImage(layout, 'prod', { readOnly: true, args: ['fail', 'x'] });
  assert.equal(withArgs.code, 3);
  assert.equal(withArgs.stdout, 'hello uid=65532 gid=65532 root=Read-only file system arg=fail arg=x\n');
  const rw = await runImage(layout, 'prod', { readOnly: false });
  assert.match(rw.stdout, /root=Permission denied/, 'writable root, but / is owned by root and we run as 65532');
});

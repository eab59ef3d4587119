// Multi-platform indexes in an OCI layout: written from each platform's own layout (blobs linked), read back by
// platform, copied whole to another layout, and schema-valid; a missing or unspecified platform is a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { memoryBlobStore } from '../image/blob-store.js';
import { newImage } from '../image/image.js';
import { layerFromEntries } from '../image/layer.js';
import { ociPlatform } from '../image/platform.js';
import { findInLayout, readLayout, writeIndexLayout, writeLayout } from './oci-layout.js';
import { openImageIndex, writeImageIndex } from './open-image.js';
import { validateLayout } from '../../test/validate.js';

async function platformLayout(root: string, arch: string): Promise<string> {
  const body = Buffer.from(`built for ${arch}\n`);
  const { layer } = await layerFromEntries([{ path: 'etc/arch', type: 'file', mode: 0o644, uid: 0, gid: 0, size: body.length, open: async function* () { yield body; } }], { epoch: 1700000000, store: memoryBlobStore() });
  const dir = join(root, arch);
  await writeLayout(dir, { tag: '1-prod', image: newImage({ layers: [layer], ...ociPlatform(arch), epoch: 1700000000, config: { User: '65532:65532' } }) });
  return dir;
}

test('an index per tag from two platform layouts: readable by platform, copied whole, schema-valid', async () => {
  const root = mkdtempSync(join(tmpdir(), 'airlock-index-'));
  try {
    const amd = await platformLayout(root, 'amd64');
    const arm = await platformLayout(root, 'arm64');
    const images = await Promise.all([['amd64', amd], ['arm64', arm]].map(async ([a, dir]) => ({ platform: ociPlatform(a!), layout: dir!, manifest: await findInLayout(dir!, '1-prod') })));
    const out = join(root, 'joined');
    const written = await writeIndexLayout(out, [{ tag: '1-prod', images }, { tag: '1', images }]);
    assert.equal(written['1-prod']!.digest, written['1']!.digest, 'the same images make the same index');
    await validateLayout(out);
    const ix = JSON.parse(readFileSync(join(out, 'blobs/sha256', written['1-prod']!.digest.slice(7)), 'utf8'));
    assert.deepEqual(ix.manifests.map((m: { platform: unknown }) => m.platform), [{ architecture: 'amd64', os: 'linux' }, { architecture: 'arm64', os: 'linux', variant: 'v8' }]);
    // Blobs are hard links of the platform layouts' files, not copies.
    const cfg = (await readLayout(arm, '1-prod')).manifest.config.digest.slice(7);
    assert.equal(statSync(join(out, 'blobs/sha256', cfg)).ino, statSync(join(arm, 'blobs/sha256', cfg)).ino);
    assert.equal((await readLayout(out, '1-prod', 'arm64')).config.architecture, 'arm64');
    assert.equal((await readLayout(out, '1-prod', 'amd64')).digest, images[0]!.manifest.digest);
    // A platform's image is found by its digest inside the tagged index too (what verify --platform opens).
    assert.equal((await findInLayout(out, images[1]!.manifest.digest)).digest, images[1]!.manifest.digest);
    const bad = (p: Promise<unknown>, code: string, re: RegExp) => assert.rejects(p, (e: unknown) => e instanceof AirlockError && e.code === code && re.test(`${e.message} ${e.hint}`));
    await bad(readLayout(out, '1-prod'), 'platform-required', /multi-platform index \(linux\/amd64, linux\/arm64\/v8\).*--platform/);
    await bad(readLayout(out, '1-prod', 's390x'), 'platform-not-found', /no linux\/s390x image.*it has linux\/amd64, linux\/arm64\/v8/);
    // Copied whole into another layout under another tag: same index digest, still valid.
    const opened = (await openImageIndex({ kind: 'oci', dir: out, tag: '1-prod' }))!;
    assert.equal(opened.images.length, 2);
    const copy = join(root, 'copy');
    assert.equal(await writeImageIndex({ kind: 'oci', dir: copy, tag: 'v1' }, opened), written['1-prod']!.digest);
    await validateLayout(copy);
    assert.equal(await openImageIndex({ kind: 'oci', dir: amd, tag: '1-prod' }), undefined, 'a single image is no index');
    await assert.rejects(writeImageIndex({ kind: 'docker-archive', file: join(root, 'x.tar') }, opened), (e: unknown) => e instanceof AirlockError && /holds one platform/.test(e.message) && /--platform/.test(e.hint ?? ''));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

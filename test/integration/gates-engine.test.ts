// Gates over images made by airlock's own image engine: the build path (in-memory FileEntry layers) and the audit
// path (the same layers written as an OCI layout and read back through tar + gzip) give identical findings; the
// finished layout passes `umoci stat` (a real tool reads it) and `airlock audit` exits 0 / 6 accordingly.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FileEntry } from '../../src/image/entry.js';
import { memoryBlobStore } from '../../src/image/blob-store.js';
import { layerFromEntries } from '../../src/image/layer.js';
import { newImage } from '../../src/image/image.js';
import { writeLayout } from '../../src/sinks/oci-layout.js';
import { imageFsFromEntries } from '../../src/gates/fs-view.js';
import { imageFsFromImage } from '../../src/gates/from-image.js';
import { runGates } from '../../src/gates/run-gates.js';
import { dir, file, hardlink, link } from '../../src/gates/test-kit.js';

const EPOCH = 1700000000;
const BIN = resolve('bin/airlock');
let tmp = '';

const exe = (path: string, bytes: Uint8Array, mode = 0o755) => file(path, bytes, { mode });
const base = (): FileEntry[] => [
  dir('app'), exe('app/server', readFileSync('/bin/true')), dir('etc'),
  file('etc/passwd', 'root:x:0:0:root:/root:/usr/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/usr/sbin/nologin\n'),
  dir('home'), dir('home/nonroot', { uid: 65532, gid: 65532 }), dir('lib64'), exe('lib64/ld-linux-x86-64.so.2', readFileSync('/lib64/ld-linux-x86-64.so.2')),
  dir('tmp', { mode: 0o1777 }),
];
const bad = (): FileEntry[] => [
  dir('bin'), exe('bin/helper', readFileSync('/bin/dash')), link('bin/sh', 'helper'), exe('app/su', readFileSync('/bin/true'), 0o4755), hardlink('app/su2', 'app/su'),
  file('app/.env', 'API_TOKEN=abcdef123456\n'), dir('src'), file('src/main.c', 'int main(){}'),
];
const settings = { User: '65532:65532', Entrypoint: ['/app/server'] };

async function build(layers: FileEntry[][]) {
  const store = memoryBlobStore();
  const built = [];
  for (const l of layers) built.push((await layerFromEntries(l, { epoch: EPOCH, store })).layer);
  return newImage({ layers: built, architecture: 'amd64', os: 'linux', epoch: EPOCH, config: settings });
}

const key = (f: { id: string; severity: string; path?: string; layer?: number; message: string }) => `${f.severity} ${f.id} ${f.layer ?? '-'} ${f.path ?? '-'} ${f.message}`;

describe('gates on engine-built images', () => {
  before(() => { tmp = mkdtempSync(join(tmpdir(), 'airlock-gates-engine-')); });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const cases: [string, FileEntry[][], boolean][] = [['clean', [base()], true], ['bad', [base(), bad()], false]];
  for (const [name, layers, passes] of cases) {
    it(`${name}: in-memory and layout paths agree; audit exit code follows`, async () => {
      const img = await build(layers);
      const config = { epoch: EPOCH };
      const memory = await runGates(await imageFsFromEntries(layers, img.config), { profile: 'prod', config });
      const fromImage = await runGates(await imageFsFromImage(img), { profile: 'prod', config });
      assert.deepEqual(fromImage.findings.map(key), memory.findings.map(key));
      assert.equal(memory.passed, passes, JSON.stringify(memory.findings, null, 1));
      const layout = join(tmp, name);
      await writeLayout(layout, { tag: 'v1', image: img });
      execFileSync('umoci', ['stat', '--image', `${layout}:v1`], { stdio: 'ignore' });
      const r = spawnSync(process.execPath, [BIN, 'audit', `oci:${layout}:v1`, '--json', '--epoch', String(EPOCH)], { encoding: 'utf8' });
      assert.equal(r.status, passes ? 0 : 6, r.stderr);
      const json = JSON.parse(r.stdout) as { findings: Parameters<typeof key>[0][] };
      assert.deepEqual(json.findings.map(key), memory.findings.map(key));
      if (!passes) {
        const ids = new Set(json.findings.map((f) => f.id));
        for (const id of ['no-shell', 'no-setuid', 'no-secrets', 'no-source-leftovers']) assert.ok(ids.has(id), `${id} found`);
        assert.ok(json.findings.some((f) => f.id === 'no-shell' && f.path === 'bin/helper' && /dash shell binary/.test(f.message)));
        assert.ok(json.findings.some((f) => f.id === 'no-setuid' && f.path === 'app/su2'), 'hardlinks keep the setuid bit');
      }
    });
  }
});

// Property test: for random layer stacks (files, directories, whiteouts, opaque directories, replacements), the
// merged ImageFs has exactly the paths and types that `umoci unpack` (a real OCI unpacker) produces on disk.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { imageFsFromImage } from '../../src/gates/from-image.js';
import { readLayout } from '../../src/sinks/oci-layout.js';
import { LAYER, rawTar, writeRawLayout, type RawMember } from '../fixtures/gates/raw-image.js';

type Op = { kind: 'file' | 'dir' | 'whiteout' | 'opaque'; path: string[] };
const seg = fc.constantFrom('a', 'b', 'c');
const op: fc.Arbitrary<Op> = fc.record({ kind: fc.constantFrom('file', 'file', 'dir', 'whiteout', 'opaque'), path: fc.array(seg, { minLength: 1, maxLength: 3 }) }) as fc.Arbitrary<Op>;
const layersArb = fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 });

// Turns ops into one valid layer tar: parents as explicit dirs, no path both file and dir within the layer.
function layerTar(ops: Op[], n: number): Buffer {
  const members = new Map<string, RawMember>();
  const dirs = new Set<string>();
  const addDir = (p: string) => { if (!members.has(p) || members.get(p)!.type === '5') { members.set(p, { name: p, type: '5' }); dirs.add(p); } };
  for (const o of ops) {
    const parents = o.path.slice(0, -1).map((_, i) => o.path.slice(0, i + 1).join('/'));
    const p = o.path.join('/');
    if (parents.some((q) => members.has(q) && members.get(q)!.type !== '5')) continue;
    if ([...members.keys()].some((k) => k.startsWith(p + '/') || k === p)) continue;
    parents.forEach(addDir);
    const dir = parents.at(-1);
    const base = o.path.at(-1)!;
    if (o.kind === 'file') members.set(p, { name: p, body: `${p} in layer ${n}\n` });
    else if (o.kind === 'dir') addDir(p);
    else if (o.kind === 'whiteout') members.set(`${dir ? dir + '/' : ''}.wh.${base}`, { name: `${dir ? dir + '/' : ''}.wh.${base}`, body: '' });
    else { addDir(p); members.set(`${p}/.wh..wh..opq`, { name: `${p}/.wh..wh..opq`, body: '' }); }
  }
  return rawTar([...members.values()]);
}

function walk(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const n of readdirSync(join(root, rel)).sort()) {
    const p = rel ? `${rel}/${n}` : n;
    const st = lstatSync(join(root, p));
    out.push(`${p} ${st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'file'}`);
    if (st.isDirectory()) out.push(...walk(root, p));
  }
  return out;
}

it('merged view equals umoci unpack for random layer stacks', { timeout: 300_000 }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'airlock-overlay-'));
  let n = 0;
  try {
    await fc.assert(fc.asyncProperty(layersArb, async (layers) => {
      const dir = join(tmp, `img${n++}`);
      writeRawLayout(dir, layers.map((ops, i) => ({ blob: layerTar(ops, i), mediaType: LAYER.tar })));
      execFileSync('umoci', ['unpack', '--image', `${dir}:v1`, join(dir, 'bundle')], { stdio: 'ignore' });
      const fs = await imageFsFromImage(await readLayout(dir, 'v1'));
      const ours = fs.entries.map((e) => `${e.path} ${e.type === 'hardlink' ? 'file' : e.type}`).sort();
      assert.deepEqual(ours, walk(join(dir, 'bundle', 'rootfs')).sort());
      rmSync(dir, { recursive: true, force: true });
    }), { numRuns: 40 });
    console.log(`# ${n} random layer stacks agree with umoci unpack`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

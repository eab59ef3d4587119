import { it } from 'node:test';
import assert from 'node:assert/strict';
import { dropSpecialFiles } from './tar-filter.js';
import { listTar } from '../image/tar-read.js';
import { rawTar } from '../../test/fixtures/gates/raw-image.js';

async function filter(b: Buffer, chunk = 100): Promise<{ out: Buffer; dropped: string[] }> {
  const dropped: string[] = [];
  async function* src() { for (let i = 0; i < b.length; i += chunk) yield b.subarray(i, i + chunk); }
  const parts: Uint8Array[] = [];
  for await (const c of dropSpecialFiles(src(), (w) => dropped.push(w))) parts.push(c);
  return { out: Buffer.concat(parts), dropped };
}

it('passes a tar without special files through byte for byte', async () => {
  const tar = rawTar([{ name: 'd', type: '5' }, { name: 'd/f', body: 'x'.repeat(700) }, { name: 'l', type: '2', linkname: 'd/f' }, { name: 'h', type: '1', linkname: 'd/f' }]);
  const { out, dropped } = await filter(tar, 77);
  assert.ok(out.equals(tar));
  assert.deepEqual(dropped, []);
});

it('drops device nodes and fifos, with the PAX header in front of them', async () => {
  const pax = Buffer.from('30 path=dev/a-very-long-device\n');
  const tar = rawTar([{ name: 'a', body: 'A' }, { name: 'PaxHeaders/x', type: 'x', body: pax }, { name: 'dev/x', type: '3' }, { name: 'dev/null', type: '3' }, { name: 'run/fifo', type: '6' }, { name: 'b', body: 'B' }]);
  const { out, dropped } = await filter(tar);
  assert.deepEqual(dropped, ['character device dev/x', 'character device dev/null', 'fifo run/fifo']);
  async function* one() { yield out; }
  assert.deepEqual((await listTar(one())).map((e) => e.path), ['a', 'b']);
});

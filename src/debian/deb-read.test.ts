// readControl on small real .debs (made with dpkg-deb): many reads at once through the one control reader each get
// their own package's stanza, and a file that is no package gets dpkg-deb's own message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readControl } from './deb-read.js';
import { AirlockError } from '../errors.js';
import { tinyDeb } from '../../test/helpers/tiny-deb.js';

test('readControl: 40 packages read at once each get their own control stanza; a broken file does not upset the others', async () => {
  const work = mkdtempSync(join(tmpdir(), 'airlock-deb-read-'));
  try {
    const debs = Array.from({ length: 40 }, (_, i) => {
      const name = `pkg${i}`;
      const extra: Record<string, string> = i % 3 === 0 ? { Source: `src${i} (${i}.0-1)` } : {};
      return { name, i, path: tinyDeb(work, name, { Package: name, Version: `${i}.1-1`, Architecture: i % 2 ? 'all' : 'amd64', ...extra }).path };
    });
    const broken = join(work, 'broken.deb');
    writeFileSync(broken, 'not an ar archive\n');
    const reads = debs.map((d) => readControl(d.path));
    const bad = readControl(broken).then(() => assert.fail('a broken package was read'), (e: unknown) => e);
    const more = debs.slice(0, 5).map((d) => readControl(d.path)); // asked after the broken one
    const stanzas = await Promise.all(reads);
    for (const d of debs) {
      const s = stanzas[d.i]!;
      assert.equal(s.Package, d.name);
      assert.equal(s.Version, `${d.i}.1-1`);
      assert.equal(s.Architecture, d.i % 2 ? 'all' : 'amd64');
      assert.equal(s.Source, d.i % 3 === 0 ? `src${d.i} (${d.i}.0-1)` : undefined);
      assert.equal(s.Description, 'test package');
    }
    const e = await bad;
    assert.ok(e instanceof AirlockError, String(e));
    assert.equal(e.code, 'bad-deb');
    assert.match(e.message, /broken\.deb: .*dpkg-deb/s, 'dpkg-deb says why');
    assert.deepEqual((await Promise.all(more)).map((s) => s.Package), debs.slice(0, 5).map((d) => d.name));
    // Read again later, one at a time: the reader is still there, and idle it kept nothing waiting (this file ends).
    assert.equal((await readControl(debs[7]!.path)).Package, 'pkg7');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

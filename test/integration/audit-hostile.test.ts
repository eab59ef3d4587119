// Hostile images through `airlock audit`: each gives a clear error (or finding), never a crash, and nothing is written.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { LAYER, rawTar, writeRawLayout, type RawMember } from '../fixtures/gates/raw-image.js';

const BIN = resolve('bin/airlock');
let root = '';
let work = '';

function audit(dir: string, ...flags: string[]) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, 'audit', `oci:${dir}:v1`, '--profile', 'any', ...flags], { cwd: work, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - t0 };
}

function layout(name: string, layers: { blob: Uint8Array; mediaType: string }[], config?: Record<string, unknown>): string {
  const dir = join(root, name);
  writeRawLayout(dir, layers, config);
  return dir;
}

const ok: RawMember[] = [{ name: 'app', type: '0', body: 'x', mode: 0o755 }];

async function gzipZeros(headerBytes: Buffer, zeros: number): Promise<Buffer> {
  const chunk = Buffer.alloc(1 << 20);
  async function* src() {
    yield headerBytes;
    for (let left = zeros; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
    yield Buffer.alloc(1024);
  }
  const out: Buffer[] = [];
  for await (const c of Readable.from(src()).pipe(createGzip({ level: 1 }))) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe('audit of hostile images', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'airlock-hostile-'));
    work = join(root, 'cwd');
    mkdirSync(work);
  });
  after(() => {
    // Nothing was extracted or written: the working directory is still empty and no entry escaped.
    assert.deepEqual(readdirSync(work), []);
    for (const p of ['/tmp/evil', '/evil', join(root, 'evil'), join(tmpdir(), 'evil')]) assert.equal(existsSync(p), false, p);
    rmSync(root, { recursive: true, force: true });
  });

  it('a clean raw image passes (the kit itself is sound)', () => {
    const r = audit(layout('clean', [{ blob: gzipSync(rawTar(ok)), mediaType: LAYER.gzip }]));
    assert.equal(r.code, 0, r.out + r.err);
  });

  it('path traversal entries are refused', () => {
    for (const [name, m] of [['dotdot', { name: '../../evil', body: 'x' }], ['abs', { name: '/tmp/evil', body: 'x' }], ['inner', { name: 'a/../../evil', body: 'x' }]] as const) {
      const r = audit(layout(`trav-${name}`, [{ blob: gzipSync(rawTar([...ok, m])), mediaType: LAYER.gzip }]));
      assert.equal(r.code, 5, r.err);
      assert.match(r.err, /error\[unsafe-path\].*path ".*evil" (contains "\.\."|is absolute)/);
    }
  });

  it('symlinks that escape the root, and entries written through a symlink, are refused', () => {
    const r1 = audit(layout('escape', [{ blob: rawTar([...ok, { name: 'etc', type: '2', linkname: '../../../../etc' }]), mediaType: LAYER.tar }]));
    assert.equal(r1.code, 5);
    assert.match(r1.err, /unsafe-symlink.*"etc" -> "..\/..\/..\/..\/etc" escapes the image root/);
    const r2 = audit(layout('through', [{ blob: rawTar([...ok, { name: 'd', type: '2', linkname: '/tmp' }, { name: 'd/evil', body: 'x' }]), mediaType: LAYER.tar }]));
    assert.equal(r2.code, 5);
    assert.match(r2.err, /"d\/evil" lies under the symlink "d"/);
  });

  it('symlink loops give a finding, not a hang', () => {
    const r = audit(layout('loops', [{ blob: rawTar([{ name: 'a', type: '2', linkname: 'b' }, { name: 'b', type: '2', linkname: 'a' }, { name: 'self', type: '2', linkname: 'self' }, { name: 'dot', type: '2', linkname: '.' }]), mediaType: LAYER.tar }], { config: { User: '65532', Entrypoint: ['/a'] } }), '--json');
    assert.equal(r.code, 6, r.err);
    const j = JSON.parse(r.out) as { findings: { id: string; message: string }[] };
    assert.ok(j.findings.some((f) => f.id === 'entrypoint-exists-and-executable' && /\/a is a symlink loop/.test(f.message)), r.out);
  });

  it('a gzip decompression bomb stops at --max-bytes, quickly', async () => {
    const size = 1024 ** 3; // 1 GiB of zeros → about 1 MB of gzip
    const bomb = await gzipZeros(rawTar([{ name: 'zeros', body: '', size }]).subarray(0, 512), size);
    assert.ok(bomb.length < 8 * 1024 * 1024, `bomb is ${bomb.length} bytes`);
    const r = audit(layout('bomb', [{ blob: bomb, mediaType: LAYER.gzip }]), '--max-bytes', '64MiB');
    assert.equal(r.code, 5, r.err);
    assert.match(r.err, /content exceeds 67108864 bytes/);
    console.log(`# bomb: ${bomb.length} bytes of gzip declaring ${size} bytes, refused in ${r.ms} ms`);
    assert.ok(r.ms < 30_000);
  });

  it('an entry-count bomb stops at --max-entries', () => {
    const many = Array.from({ length: 5000 }, (_, i): RawMember => ({ name: `f${i}`, body: '' }));
    const r = audit(layout('many', [{ blob: gzipSync(rawTar(many)), mediaType: LAYER.gzip }]), '--max-entries', '1000');
    assert.equal(r.code, 5);
    assert.match(r.err, /more than 1000 entries/);
  });

  it('truncated gzip, zstd and tar layers give clear errors', () => {
    const tar = rawTar([...ok, { name: 'big', body: 'y'.repeat(200_000) }]);
    const gz = gzipSync(tar);
    const r1 = audit(layout('trunc-gz', [{ blob: gz.subarray(0, gz.length >> 1), mediaType: LAYER.gzip }]));
    assert.equal(r1.code, 5, r1.err);
    assert.match(r1.err, /error\[bad-gzip\].*gzip data is corrupt/);
    const zst = spawnSync('zstd', ['-q', '-c'], { input: tar }).stdout as Buffer;
    const r2 = audit(layout('trunc-zstd', [{ blob: zst.subarray(0, zst.length >> 1), mediaType: LAYER.zstd }]));
    assert.equal(r2.code, 5, r2.err);
    assert.match(r2.err, /error\[bad-zstd\].*zstd data is corrupt or truncated/);
    const r3 = audit(layout('trunc-tar', [{ blob: tar.subarray(0, 100_000), mediaType: LAYER.tar }]));
    assert.equal(r3.code, 5, r3.err);
    assert.match(r3.err, /archive ends inside "big"/);
  });

  it('a hardlink to nothing is refused; device nodes and fifos are skipped with a warning', () => {
    const r1 = audit(layout('hl', [{ blob: rawTar([...ok, { name: 'h', type: '1', linkname: 'missing' }]), mediaType: LAYER.tar }]));
    assert.equal(r1.code, 5);
    assert.match(r1.err, /hardlink "h" points to "missing"/);
    const r2 = audit(layout('dev', [{ blob: rawTar([{ name: 'dev', type: '5' }, { name: 'dev/mem', type: '3' }, { name: 'dev/fifo', type: '6' }, ...ok]), mediaType: LAYER.tar }]), '--json');
    assert.equal(r2.code, 0, r2.err);
    assert.match(r2.err, /warning: layer 0 \(sha256:[0-9a-f]+\): character device dev\/mem skipped/);
    assert.match(r2.err, /fifo dev\/fifo skipped/);
    const j = JSON.parse(r2.out) as { problems: string[] };
    assert.equal(j.problems.length, 2);
  });
});

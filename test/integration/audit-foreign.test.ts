// `airlock audit` and `airlock diff` on images made by real foreign tools: umoci builds a four-layer image
// (a file deleted by a whiteout, an opaque directory added with `umoci raw add-layer`, a hardlink), then skopeo
// converts it to docker-archive (uncompressed layers), to zstd layers, and pushes it to a real docker-registry;
// podman save gives the legacy docker save layout; an mmdebstrap rootfs tarball is imported with umoci.
// Every transport must give the same findings.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { imageFsFromImage } from '../../src/gates/from-image.js';
import { readLayout } from '../../src/sinks/oci-layout.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { cacheDir, cLock } from '../helpers/debian.js';
import { ensureBuilderRootfs } from '../../src/debian/rootfs.js';
import { memoryLog } from '../../src/log.js';

const BIN = resolve('bin/airlock');
let dir = '';
let registry: TestRegistry | undefined;

const sh = (cmd: string, args: string[], cwd = dir) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
function airlock(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000, maxBuffer: 512 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
type Finding = { id: string; severity: string; path?: string; layer?: number; message: string };
const key = (f: Finding) => `${f.severity} ${f.id} ${f.layer ?? '-'} ${f.path ?? '-'}`;

function auditJson(ref: string, ...flags: string[]) {
  const r = airlock('audit', ref, '--json', ...flags);
  assert.ok(r.code === 0 || r.code === 6, `${ref}: exit ${r.code}\n${r.err}`);
  return { code: r.code, json: JSON.parse(r.out) as { passed: boolean; findings: Finding[]; layers: { whiteouts: number; entries: number }[]; problems: string[] } };
}

describe('audit of images made by umoci, skopeo and podman', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-foreign-'));
    sh('umoci', ['init', '--layout', 'L']);
    sh('umoci', ['new', '--image', 'L:v1']);
    sh('umoci', ['unpack', '--image', 'L:v1', 'B']);
    const r = join(dir, 'B', 'rootfs');
    for (const d of ['app', 'lib64', 'etc', 'home/app', 'opt', 'app/data']) mkdirSync(join(r, d), { recursive: true });
    copyFileSync('/bin/true', join(r, 'app/server'));
    linkSync(join(r, 'app/server'), join(r, 'app/server-link'));
    copyFileSync('/lib64/ld-linux-x86-64.so.2', join(r, 'lib64/ld-linux-x86-64.so.2'));
    writeFileSync(join(r, 'etc/passwd'), 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1000:1000::/home/app:/usr/sbin/nologin\n');
    chownSync(join(r, 'home/app'), 1000, 1000);
    writeFileSync(join(r, 'opt/old'), 'old\n');
    sh('umoci', ['repack', '--refresh-bundle', '--image', 'L:clean', 'B']);
    sh('umoci', ['config', '--image', 'L:clean', '--config.user', '1000:1000', '--config.entrypoint', '/app/server']);
    // The bad image: a private key (deleted again in the next layer, still shipped), setuid, world-writable.
    sh('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', join(r, 'app/key.pem')]);
    copyFileSync('/bin/true', join(r, 'app/suid'));
    chmodSync(join(r, 'app/suid'), 0o4755);
    chmodSync(join(r, 'app/data'), 0o777);
    sh('umoci', ['repack', '--refresh-bundle', '--image', 'L:v1', 'B']);
    rmSync(join(r, 'app/key.pem'));
    sh('umoci', ['repack', '--refresh-bundle', '--image', 'L:v1', 'B']);
    mkdirSync(join(dir, 'ly/opt'), { recursive: true });
    writeFileSync(join(dir, 'ly/opt/.wh..wh..opq'), '');
    writeFileSync(join(dir, 'ly/opt/new'), 'new\n');
    sh('tar', ['-cf', 'opaque.tar', '-C', 'ly', 'opt']);
    sh('umoci', ['raw', 'add-layer', '--image', 'L:v1', 'opaque.tar']);
    sh('umoci', ['config', '--image', 'L:v1', '--config.user', '1000:1000', '--config.entrypoint', '/app/server']);
  });
  after(async () => {
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let reference: Finding[] = [];

  it('reads the umoci layout: whiteouts, opaque directory, hardlinks', async () => {
    const fs = await imageFsFromImage(await readLayout(join(dir, 'L'), 'v1'));
    assert.equal(fs.layers.length, 4, 'clean files, bad files, the whiteout, the opaque layer');
    assert.ok(fs.get('opt/new') && !fs.get('opt/old'), 'the opaque marker hides opt/old');
    assert.equal(fs.get('app/key.pem'), undefined, 'the whiteout hides the key');
    assert.ok(fs.shadowed.some((e) => e.path === 'app/key.pem' && e.layer === 1));
    const link = fs.get('app/server-link')!;
    assert.equal(link.type, 'hardlink');
    assert.equal(link.size, fs.get('app/server')!.size);
  });

  it('audits the OCI layout: exit 6 with the expected findings', () => {
    const { code, json } = auditJson(`oci:${join(dir, 'L')}:v1`);
    assert.equal(code, 6);
    const errors = json.findings.filter((f) => f.severity === 'error').map(key).sort();
    assert.deepEqual(errors, ['error no-secrets 1 app/key.pem', 'error no-setuid 1 app/suid', 'error no-world-writable 1 app/data']);
    const secret = json.findings.find((f) => f.id === 'no-secrets')!;
    assert.match(secret.message, /PEM private key in \/app\/key.pem \(layer 1, hidden by a later layer but still shipped\)/);
    assert.ok(!secret.message.includes('MC4CAQAw'), 'the key is never printed');
    assert.deepEqual(json.layers.map((l) => l.whiteouts), [0, 0, 1, 1]);
    reference = json.findings;
  });

  it('the clean umoci image passes (exit 0) and diff shows what the bad one adds', () => {
    const r = airlock('audit', `oci:${join(dir, 'L')}:clean`);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /PASSED \(11 checks, 0 errors/);
    const d = JSON.parse(airlock('diff', `oci:${join(dir, 'L')}:clean`, `oci:${join(dir, 'L')}:v1`, '--json').out) as { files: { added: { path: string }[]; removed: { path: string }[] } };
    assert.deepEqual(d.files.added.map((f) => f.path), ['app/suid', 'opt/new']);
    assert.deepEqual(d.files.removed.map((f) => f.path), ['opt/old']);
  });

  it('gives the same findings for a skopeo docker-archive (uncompressed layers)', () => {
    sh('skopeo', ['copy', '-q', `oci:${join(dir, 'L')}:v1`, `docker-archive:${join(dir, 'a.tar')}:foreign/app:v1`]);
    const { json } = auditJson(`docker-archive:${join(dir, 'a.tar')}`);
    assert.deepEqual(json.findings.map(key), reference.map(key));
  });

  it('gives the same findings for zstd-compressed layers', () => {
    sh('skopeo', ['copy', '-q', '--dest-compress-format', 'zstd', `oci:${join(dir, 'L')}:v1`, `oci:${join(dir, 'Z')}:v1`]);
    const ix = JSON.parse(readFileSync(join(dir, 'Z/index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const m = JSON.parse(readFileSync(join(dir, 'Z/blobs/sha256', ix.manifests[0]!.digest.slice(7)), 'utf8')) as { layers: { mediaType: string }[] };
    assert.ok(m.layers.every((l) => l.mediaType.endsWith('+zstd')), JSON.stringify(m.layers));
    const { json } = auditJson(`oci:${join(dir, 'Z')}:v1`);
    assert.deepEqual(json.findings.map(key), reference.map(key));
  });

  it('gives the same findings pulled from a real registry (docker://)', { timeout: 120_000 }, async () => {
    registry = await startRegistry();
    sh('skopeo', ['copy', '-q', '--dest-tls-verify=false', `oci:${join(dir, 'L')}:v1`, `docker://${registry.host}/foreign/app:v1`]);
    const { json } = auditJson(`docker://${registry.host}/foreign/app:v1`, '--insecure');
    assert.deepEqual(json.findings.map(key), reference.map(key));
  });

  it('audits an mmdebstrap rootfs tarball imported with umoci (device nodes skipped) and diffs its packages', { timeout: 600_000 }, async () => {
    const rootfs = await ensureBuilderRootfs(await cLock(), { cache: cacheDir, log: memoryLog(), offline: false });
    sh('umoci', ['new', '--image', 'L:rootfs']);
    sh('umoci', ['raw', 'add-layer', '--image', 'L:rootfs', rootfs.tar]);
    const t0 = Date.now();
    const { code, json } = auditJson(`oci:${join(dir, 'L')}:rootfs`);
    console.log(`# mmdebstrap builder rootfs: ${json.layers[0]!.entries} entries audited in ${Date.now() - t0} ms, ${json.findings.length} findings`);
    assert.equal(code, 6);
    assert.ok(json.problems.some((p) => /character device dev\/null skipped/.test(p)), JSON.stringify(json.problems));
    const ids = new Set(json.findings.map((f) => f.id));
    for (const id of ['no-shell', 'no-package-manager', 'no-compiler', 'no-setuid', 'non-root-user']) assert.ok(ids.has(id), id);
    assert.ok(!ids.has('no-secrets'), 'no secrets in a Debian builder rootfs: ' + JSON.stringify(json.findings.filter((f) => f.id === 'no-secrets')));
    const d = JSON.parse(airlock('diff', `oci:${join(dir, 'L')}:clean`, `oci:${join(dir, 'L')}:rootfs`, '--json').out) as { packages: { added: { name: string }[]; removed: unknown[] } };
    const added = d.packages.added.map((p) => p.name);
    for (const p of ['libc6', 'gcc-12', 'make', 'dpkg', 'bash']) assert.ok(added.includes(p), p);
    assert.deepEqual(d.packages.removed, []);
  });

  it('audits a docker-archive made by podman save (legacy docker save layout: <id>/layer.tar + manifest.json)', () => {
    const r = join(dir, 'pm', 'rootfs');
    mkdirSync(join(r, 'app'), { recursive: true });
    mkdirSync(join(r, 'usr/local/bin'), { recursive: true });
    copyFileSync('/bin/busybox', join(r, 'usr/local/bin/toolbox'));
    copyFileSync('/bin/true', join(r, 'app/server'));
    sh('tar', ['-C', r, '-cf', join(dir, 'pm', 'rootfs.tar'), '.']);
    const podman = ['--root', join(dir, 'pm', 'root'), '--runroot', join(dir, 'pm', 'run'), '--storage-driver', 'vfs'];
    sh('podman', [...podman, 'import', '--change', 'USER=1000', '--change', 'ENTRYPOINT=["/app/server"]', join(dir, 'pm', 'rootfs.tar'), 'localhost/foreign/pm:v1']);
    sh('podman', [...podman, 'save', '--format', 'docker-archive', '-o', join(dir, 'pm', 'save.tar'), 'localhost/foreign/pm:v1']);
    assert.match(sh('tar', ['-tf', join(dir, 'pm', 'save.tar')]), /\/layer\.tar\n/);
    const { code, json } = auditJson(`docker-archive:${join(dir, 'pm', 'save.tar')}`);
    assert.equal(code, 6);
    assert.ok(json.findings.some((f) => f.id === 'no-shell' && f.path === 'usr/local/bin/toolbox' && /busybox shell binary \(identified by content\)/.test(f.message)), JSON.stringify(json.findings));
    assert.ok(json.findings.some((f) => f.id === 'entrypoint-exists-and-executable' && /needs \/lib64\/ld-linux-x86-64.so.2/.test(f.message)));
  });
});

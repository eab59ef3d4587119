// Registry sink against a real docker-registry: push/pull/skopeo digests, chunked upload, mount, tags, referrers
// fallback, retries through a fault-injecting proxy, interrupted pushes, and bearer auth from a docker config.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { layerFromEntries } from '../../src/image/layer.js';
import { collect, memoryBlobStore } from '../../src/image/blob-store.js';
import { decompress } from '../../src/image/decompress.js';
import { readTar } from '../../src/image/tar-read.js';
import { newImage, type Image } from '../../src/image/image.js';
import { jsonBytes } from '../../src/image/json.js';
import { sha256 } from '../../src/image/digest.js';
import { EMPTY_JSON, MediaType } from '../../src/image/media-types.js';
import { registryClient } from '../../src/sinks/registry.js';
import { dockerConfigCredentials } from '../../src/sinks/registry-auth.js';
import { fallbackTag } from '../../src/sinks/registry-push.js';
import { startRegistry, freePort, type TestRegistry } from '../helpers/registry.js';
import { validateImage } from '../validate.js';
import { memoryLog } from '../../src/log.js';

const EPOCH = 1700000000;
let reg: TestRegistry;
let image: Image;
const made: string[] = [];

before(async () => {
  reg = await startRegistry();
  const store = memoryBlobStore();
  const big = randomBytes(3 * 1024 * 1024); // incompressible: gives a ~3 MiB blob for the chunked path
  const file = (path: string, b: Buffer) => ({ path, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: b.length, open: async function* () { yield b; } });
  const l1 = await layerFromEntries([file('data/big.bin', big)], { epoch: EPOCH, store });
  const l2 = await layerFromEntries([file('etc/app.conf', Buffer.from('x=1\n'))], { epoch: EPOCH, store });
  image = newImage({ layers: [l1.layer, l2.layer], architecture: 'amd64', os: 'linux', epoch: EPOCH, config: { Cmd: ['/bin/true'] } });
});
after(async () => { await reg?.stop(); for (const d of made) rmSync(d, { recursive: true, force: true }); });

const skopeoDigest = (ref: string) => JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', ref], { encoding: 'utf8' })).Digest as string;

test('push (chunked for large blobs), skopeo and our pull agree on the digest; tags are sorted; mount works', async () => {
  const log = memoryLog();
  const c = registryClient(reg.host, { insecure: true, log });
  const digest = await c.push('demo/app', 'v1', image, { chunkThreshold: 1024 * 1024, chunkSize: 512 * 1024 });
  assert.equal(digest, image.digest);
  assert.ok(log.lines.some((l) => new RegExp(`^upload ${image.layers[0]!.digest.slice(7, 19)} (\\d+)/\\1$`).test(l)), `chunked upload finished: ${log.lines.join('\n')}`);
  assert.ok(log.lines.some((l) => /layer 1\/2 .* uploaded/.test(l)));
  assert.equal(skopeoDigest(`docker://${reg.host}/demo/app:v1`), image.digest);
  const pulled = await c.pull('demo/app', 'v1');
  assert.equal(pulled.digest, image.digest);
  await validateImage(pulled, 'pulled');
  // A second push skips every blob (HEAD) and keeps the digest.
  const again = memoryLog();
  await registryClient(reg.host, { insecure: true, log: again }).push('demo/app', 'v2', image);
  assert.equal(again.lines.filter((l) => / exists$/.test(l)).length, 2);
  await c.push('demo/app', 'a-first', image);
  assert.deepEqual(await c.tags('demo/app'), ['a-first', 'v1', 'v2']);
  for (const t of ['z9', 'm5', 'b2']) await c.push('demo/app', t, image);
  assert.deepEqual(await c.tags('demo/app', 2), ['a-first', 'b2', 'm5', 'v1', 'v2', 'z9'], 'pages of 2 followed through Link headers');
  // Cross-repository mount.
  const blob = image.layers[0]!;
  assert.equal(await c.pushBlob('other/app', blob, { mountFrom: 'demo/app' }), 'mounted');
  assert.equal(skopeoDigest(`docker://${reg.host}/demo/app@${image.digest}`), image.digest);
});

test('referrers fallback tag collects artifact manifests without duplicates', async () => {
  const c = registryClient(reg.host, { insecure: true });
  await c.push('demo/ref', 'v1', image);
  const sbom = jsonBytes({ bomFormat: 'CycloneDX', specVersion: '1.6' });
  const manifest = jsonBytes({
    schemaVersion: 2, mediaType: MediaType.manifest, artifactType: 'application/vnd.cyclonedx+json',
    config: { mediaType: MediaType.empty, digest: EMPTY_JSON.digest, size: 2 },
    layers: [{ mediaType: 'application/vnd.cyclonedx+json', digest: sha256(sbom), size: sbom.length }],
    subject: { mediaType: MediaType.manifest, digest: image.digest, size: image.manifestBytes.length },
    annotations: { 'org.opencontainers.image.created': '2023-11-14T22:13:20Z' },
  });
  const blobs = [
    { digest: EMPTY_JSON.digest, size: 2, open: async function* () { yield EMPTY_JSON.bytes; } },
    { digest: sha256(sbom), size: sbom.length, open: async function* () { yield sbom; } },
  ];
  const d = await c.pushReferrer('demo/ref', manifest, blobs);
  await c.pushReferrer('demo/ref', manifest, blobs);
  const ix = JSON.parse(Buffer.from((await c.manifest('demo/ref', fallbackTag(image.digest))).bytes).toString());
  assert.equal(ix.manifests.length, 1);
  assert.equal(ix.manifests[0].digest, d);
  assert.equal(ix.manifests[0].artifactType, 'application/vnd.cyclonedx+json');
  assert.equal(ix.manifests[0].annotations['org.opencontainers.image.created'], '2023-11-14T22:13:20Z');
});

/** An HTTP proxy to the registry whose behaviour per request is decided by `hook`. */
async function proxy(target: string, hook: (req: IncomingMessage, res: ServerResponse, n: number) => boolean): Promise<{ host: string; server: Server; count: () => number }> {
  let n = 0;
  const [th, tp] = target.split(':');
  const server = createServer((req, res) => {
    n++;
    if (hook(req, res, n)) return;
    const up = request({ host: th, port: Number(tp), method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { host: `127.0.0.1:${port}`, server, count: () => n };
}

test('a registry answering 500 twice (and a reset connection) is survived by retries with backoff', async () => {
  let failures = 0;
  const p = await proxy(reg.host, (req, res, n) => {
    if (n <= 2) { failures++; res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN","message":"injected"}]}'); return true; }
    if (n === 4) { failures++; req.socket.destroy(); return true; }
    if (n === 6) { failures++; res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}'); return true; }
    return false;
  });
  try {
    const log = memoryLog();
    const c = registryClient(p.host, { insecure: true, backoffMs: 20, log });
    assert.equal(await c.push('demo/flaky', 'v1', image), image.digest);
    assert.equal(failures, 4);
    assert.ok(log.lines.filter((l) => /retrying in/.test(l)).length >= 4, log.lines.join('\n'));
    assert.ok(log.lines.some((l) => /→ 429; retrying in 1000 ms/.test(l)), 'Retry-After honoured');
    assert.equal(skopeoDigest(`docker://${reg.host}/demo/flaky:v1`), image.digest);
    // Without retries the same faults surface as a RegistryError naming status, code and URL.
    const p2 = await proxy(reg.host, (_req, res) => { res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN","message":"injected"}]}'); return true; });
    await assert.rejects(registryClient(p2.host, { insecure: true, retries: 0 }).tags('demo/x'), (e: Error & { code?: string }) =>
      /GET http:\/\/127\.0\.0\.1:\d+\/v2\/demo\/x\/tags\/list\?n=100 → 500 UNKNOWN: injected/.test(e.message) && e.code === 'registry-unknown');
    await assert.rejects(registryClient(p2.host, { insecure: true, retries: 0 }).push('demo/x', 'v1', image), /HEAD .* → 500/);
    p2.server.close();
  } finally { p.server.close(); }
});

test('a registry that stops answering times out, is retried once (not again: a command must not hang), and then fails with a clear error', async () => {
  let calls = 0;
  const p = await proxy(reg.host, () => { calls++; return true; }); // never answers
  try {
    const t0 = Date.now();
    await assert.rejects(registryClient(p.host, { insecure: true, timeoutMs: 200, retries: 2, backoffMs: 10 }).tags('demo/app'),
      (e: Error & { code?: string }) => e.code === 'registry-unreachable' && /no response within 200 ms/.test(e.message));
    assert.equal(calls, 2, 'a second timeout is not retried, though retries: 2 would allow it');
    assert.ok(Date.now() - t0 < 5000);
  } finally { p.server.closeAllConnections(); p.server.close(); }
});

test('a blob that stalls mid-body fails with a clear error; a layer read stopped early releases its connection', async () => {
  const big = image.layers[0]!.digest;
  let stalled: ServerResponse | undefined;
  const closed: Promise<void>[] = [];
  const p = await proxy(reg.host, (req, res) => {
    if (!req.url?.endsWith(`/blobs/${big}`)) return false;
    closed.push(new Promise((r) => res.once('close', () => r())));
    if (stalled) return false;
    stalled = res; // the first fetch of the big layer: headers and 64 KiB, then nothing
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(image.layers[0]!.size) });
    res.write(Buffer.alloc(64 * 1024));
    return true;
  });
  try {
    const c = registryClient(p.host, { insecure: true, timeoutMs: 300 });
    const pulled = await c.pull('demo/app', 'v1');
    const t0 = Date.now();
    await assert.rejects(collect(pulled.layers[0]!.open()), (e: Error & { code?: string }) =>
      e.code === 'registry-stalled' && /blob sha256:[0-9a-f]{64}: no data from the registry for 300 ms/.test(e.message));
    assert.ok(Date.now() - t0 < 5000, 'the stall was noticed within the idle time');
    await closed[0]; // the stalled connection was dropped by the client, not left hanging
    // Reading only the first entry of the (3 MiB) layer: the rest is never fetched and the connection is released.
    for await (const item of readTar(decompress(pulled.layers[0]!.open()))) { assert.equal(item.entry.path, 'data', 'the parent directory comes first'); break; }
    await Promise.race([closed[1], new Promise((_, reject) => setTimeout(() => reject(new Error('the half-read blob kept its connection open')), 10_000))]);
  } finally { p.server.closeAllConnections(); p.server.close(); }
});

test('a push interrupted mid-upload leaves nothing a later push trips over', async () => {
  const p = await proxy(reg.host, (req) => {
    if (req.method === 'PATCH' || (req.method === 'PUT' && req.url?.includes('/blobs/'))) {
      let seen = 0;
      req.on('data', (c: Buffer) => { seen += c.length; if (seen > 200_000) req.socket.destroy(); });
      return true;
    }
    return false;
  });
  try {
    await assert.rejects(registryClient(p.host, { insecure: true, retries: 0 }).push('demo/cut', 'v1', image, { chunkThreshold: 1024 * 1024, chunkSize: 1024 * 1024 }));
  } finally { p.server.close(); }
  await assert.rejects(registryClient(reg.host, { insecure: true }).manifest('demo/cut', 'v1'), /404/);
  const c = registryClient(reg.host, { insecure: true });
  assert.equal(await c.push('demo/cut', 'v1', image, { chunkThreshold: 1024 * 1024, chunkSize: 1024 * 1024 }), image.digest);
  await validateImage(await c.pull('demo/cut', 'v1'), 'after interrupted push');
});

test('basic auth with credentials from a docker config.json (username/password fields)', async () => {
  const good = `Basic ${Buffer.from('u:p w').toString('base64')}`;
  const p = await proxy(reg.host, (req, res) => {
    if (req.headers.authorization === good) return false;
    res.writeHead(401, { 'www-authenticate': 'Basic realm="test"', 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"login"}]}');
    return true;
  });
  try {
    const home = mkdtempSync(join(tmpdir(), 'airlock-home-')); made.push(home);
    execFileSync('mkdir', ['-p', join(home, '.docker')]);
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [`http://${p.host}`]: { username: 'u', password: 'p w' } } }));
    const c = registryClient(p.host, { insecure: true, credentials: dockerConfigCredentials({}, home) });
    assert.equal(await c.push('demo/basic', 'v1', image), image.digest);
    assert.deepEqual(await c.tags('demo/basic'), ['v1']);
    await assert.rejects(registryClient(p.host, { insecure: true }).tags('demo/basic'), /401 UNAUTHORIZED: login/);
  } finally { p.server.close(); }
});

test('bearer-token auth with credentials from a docker config.json', async () => {
  const user = 'ci'; const pass = 's3cret';
  const token = 'tok-' + randomBytes(8).toString('hex');
  let tokenRequests = 0;
  const p = await proxy(reg.host, (req, res) => {
    if (req.url?.startsWith('/token')) {
      tokenRequests++;
      const ok = req.headers.authorization === `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      const scope = new URL(req.url, 'http://x').searchParams.get('scope');
      if (!ok || !scope?.startsWith('repository:demo/auth:')) { res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}'); return true; }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
      return true;
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="test",scope="repository:demo/auth:pull,push"`, 'content-type': 'application/json' })
        .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return true;
    }
    return false;
  });
  try {
    const home = mkdtempSync(join(tmpdir(), 'airlock-dockercfg-')); made.push(home);
    writeFileSync(join(home, 'config.json'), JSON.stringify({ auths: { [p.host]: { auth: Buffer.from(`${user}:${pass}`).toString('base64') } } }));
    const c = registryClient(p.host, { insecure: true, credentials: dockerConfigCredentials({ DOCKER_CONFIG: home }, '/nonexistent') });
    assert.equal(await c.push('demo/auth', 'v1', image), image.digest);
    assert.equal((await c.pull('demo/auth', 'v1')).digest, image.digest);
    assert.ok(tokenRequests >= 1);
    const anon = registryClient(p.host, { insecure: true });
    await assert.rejects(anon.tags('demo/auth'), (e: Error & { code?: string }) => e.code === 'registry-unauthorized' && /401/.test(e.message) && !/s3cret/.test(e.message));
  } finally { p.server.close(); }
});

// Fuzzing the registry client: a fake registry on 127.0.0.1 serves a small image with faults injected (bad status
// codes, malformed JSON, wrong digests, truncated bodies, hanging and stalling responses, bad token endpoints).
// Pulling, reading layers, listing tags and verifying must end in success or a classified error, never an internal
// error and never a hang (short timeouts in-process; the CLI's default bound is checked once at the end).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { AirlockError } from '../../src/errors.js';
import { memoryLog } from '../../src/log.js';
import { layerFromEntries } from '../../src/image/layer.js';
import { newImage, type Image } from '../../src/image/image.js';
import { memoryBlobStore, collect } from '../../src/image/blob-store.js';
import type { FileEntry } from '../../src/image/entry.js';
import { summarizeImage } from '../../src/image/summary.js';
import { registryClient } from '../../src/sinks/registry.js';
import { registryImageStore } from '../../src/sinks/registry-store.js';
import { generateKeyPair, loadPublicKey } from '../../src/evidence/keys.js';
import { verifyImage } from '../../src/evidence/verify-image.js';
import { command as inspect } from '../../src/cli/commands/inspect.js';

const EPOCH = 1700000000;
const REPO = 'demo/app';
type Route = 'ping' | 'manifest' | 'blob' | 'tags' | 'token' | 'upload';
type Fault = 'status' | 'json' | 'digest' | 'truncate' | 'hang' | 'stall' | 'bearer' | 'huge-length' | 'redirect';
interface Plan { route: Route; fault: Fault; status: number; times: number; junk: string }

let image: Image;
const blobs = new Map<string, Buffer>();
let server: Server;
let host = '';
let plan: Plan | undefined;
let hits = 0;
const open = new Set<ServerResponse>();
const dirs: string[] = [];

const file = (path: string, text: string): FileEntry => {
  const data = Buffer.from(text);
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: data.length, open: async function* () { yield new Uint8Array(data); } };
};

function routeOf(url: string): Route {
  if (url === '/v2/' || url === '/v2') return 'ping';
  if (url.startsWith('/token')) return 'token';
  if (url.includes('/blobs/uploads/')) return 'upload';
  if (url.includes('/manifests/')) return 'manifest';
  if (url.includes('/tags/list')) return 'tags';
  return 'blob';
}

/** The honest answer of the fake registry. */
function honest(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const route = routeOf(url);
  const json = (status: number, body: unknown, type = 'application/json') => {
    const b = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-type': type, 'content-length': b.length });
    res.end(req.method === 'HEAD' ? undefined : b);
  };
  if (route === 'ping' || route === 'token') return json(200, route === 'token' ? { token: 't' } : {});
  if (route === 'upload') {
    // POST opens a session, PATCH takes a chunk, PUT ?digest= closes it (bytes are not kept: this registry only answers).
    if (req.method === 'POST') { res.writeHead(202, { location: `/v2/${REPO}/blobs/uploads/s1`, 'content-length': 0 }); return void res.end(); }
    const digest = new URL(url, 'http://x').searchParams.get('digest');
    res.writeHead(req.method === 'PUT' ? 201 : 202, { location: `/v2/${REPO}/blobs/uploads/s1`, ...(digest ? { 'docker-content-digest': digest } : {}), 'content-length': 0 });
    return void res.end();
  }
  if (route === 'manifest' && req.method === 'PUT') {
    res.writeHead(201, { 'docker-content-digest': image.digest, 'content-length': 0 });
    return void res.end();
  }
  if (route === 'tags') return json(200, { name: REPO, tags: ['v1'] });
  const ref = decodeURIComponent(url.split('/').pop()!.split('?')[0]!);
  if (route === 'manifest' && (ref === 'v1' || ref === image.digest)) {
    res.writeHead(200, { 'content-type': image.manifest.mediaType, 'docker-content-digest': image.digest, 'content-length': image.manifestBytes.length });
    return void res.end(req.method === 'HEAD' ? undefined : Buffer.from(image.manifestBytes));
  }
  const blob = blobs.get(ref);
  if (route === 'blob' && blob && req.method !== 'HEAD') { // HEAD says no: a push uploads every blob
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.length });
    return void res.end(req.method === 'HEAD' ? undefined : blob);
  }
  json(404, { errors: [{ code: route === 'manifest' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN', message: 'not found' }] });
}

/** The same answer damaged as the plan says. */
function faulty(p: Plan, req: IncomingMessage, res: ServerResponse): void {
  const send = (status: number, headers: Record<string, string | number>, body: string | Buffer) => { res.writeHead(status, headers); res.end(body); };
  switch (p.fault) {
    case 'status': return send(p.status, { 'content-type': 'application/json', 'retry-after': '0' }, p.junk);
    case 'json': return send(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, p.junk);
    case 'bearer': return send(401, { 'www-authenticate': `Bearer realm="${p.junk.includes('x') ? p.junk : `http://${host}/token`}",service="r"` }, '');
    case 'redirect': return send(307, { location: p.junk.includes('y') ? `http://${host}${req.url}` : p.junk }, '');
    case 'hang': return; // never answers
    case 'huge-length': res.writeHead(200, { 'content-length': 1e12, 'content-type': 'application/octet-stream' }); res.write('abc'); return;
    default: break;
  }
  // truncate, stall, digest: the honest answer, captured and altered.
  const chunks: Buffer[] = [];
  const fake = Object.assign(Object.create(res) as ServerResponse, {
    writeHead: (status: number, headers: Record<string, string | number>) => { (fake as unknown as { h: unknown }).h = [status, headers]; return fake; },
    end: (b?: Buffer) => { if (b) chunks.push(Buffer.from(b)); return fake; },
  });
  honest(req, fake);
  const [status, headers] = (fake as unknown as { h: [number, Record<string, string | number>] }).h;
  const body = Buffer.concat(chunks);
  if (p.fault === 'digest') {
    const other = Buffer.from(body);
    if (other.length) other[other.length >> 1] = other[other.length >> 1]! ^ 0x20;
    return send(status, headers, other);
  }
  res.writeHead(status, headers);
  res.write(body.subarray(0, body.length >> 1));
  if (p.fault === 'truncate') res.destroy(); // the socket closes before content-length bytes
  // stall: half the body, then nothing
}

before(async () => {
  const store = memoryBlobStore();
  const one = await layerFromEntries([
    file('etc/os-release', 'ID=debian\nVERSION_ID="12"\n'),
    file('var/lib/dpkg/status.d/libc6', 'Package: libc6\nVersion: 2.36-9\nArchitecture: amd64\n'),
  ], { epoch: EPOCH, store });
  image = newImage({ layers: [one.layer], architecture: 'amd64', os: 'linux', epoch: EPOCH, config: { User: '65532' } });
  blobs.set(image.configDigest, Buffer.from(image.configBytes));
  for (const l of image.layers) blobs.set(l.digest, Buffer.from(await collect(l.open(), Number.MAX_SAFE_INTEGER)));
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    req.resume();
    const p = plan;
    if (p && routeOf(req.url ?? '/') === p.route && hits < p.times) { hits++; return faulty(p, req, res); }
    honest(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Everything a command does with a registry image, with short timeouts so a hang shows up as an error quickly. */
async function useRegistry(): Promise<void> {
  const client = registryClient(host, { insecure: true, retries: 1, backoffMs: 1, timeoutMs: 200 });
  const pulled = await client.pull(REPO, 'v1');
  await summarizeImage(pulled);
  for (const l of pulled.layers) await collect(l.open(), Number.MAX_SAFE_INTEGER);
  await client.tags(REPO);
  await client.findManifest(REPO, 'sha256-0.sig');
  await client.blobBytes(REPO, image.configDigest);
  const key = loadPublicKey(generateKeyPair().publicKey, 'k.pub');
  await verifyImage(registryImageStore(client, REPO, 'v1'), key, 'k.pub').catch((e: unknown) => {
    if (!(e instanceof AirlockError && e.code === 'no-signature')) throw e; // the honest registry has no signature
  });
  await client.push(REPO, 'v2', image, { chunkThreshold: 64, chunkSize: 100 });
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  route: fc.constantFrom<Route>('ping', 'manifest', 'blob', 'tags', 'token', 'upload'),
  fault: fc.constantFrom<Fault>('status', 'json', 'digest', 'truncate', 'hang', 'stall', 'bearer', 'huge-length', 'redirect'),
  status: fc.constantFrom(200, 201, 204, 301, 400, 401, 403, 404, 405, 408, 416, 429, 500, 502, 503, 504, 999),
  times: fc.integer({ min: 1, max: 3 }),
  junk: fc.oneof(fc.constantFrom('', 'null', '{}', '[]', '{"errors":[{}]}', '{"mediaType":5}', '{"errors":"x"}', 'x-not-a-url', 'http://127.0.0.1:9/y', '{"schemaVersion":2,"layers":null}'), fc.string({ maxLength: 40 })),
});

test('a faulty registry: every pull, read, tag list, verify and push ends in a classified error or succeeds, within 30 s', { timeout: 10 * 60_000 }, async () => {
  let cases = 0;
  const outcomes = new Map<string, number>();
  await fc.assert(fc.asyncProperty(planArb, async (p) => {
    plan = p;
    hits = 0;
    const t0 = Date.now();
    let outcome = 'ok';
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('hung for 30 s')), 30_000); });
    try {
      await Promise.race([useRegistry(), hung]);
    } catch (e) {
      assert.ok(e instanceof AirlockError && e.exitCode !== 1, `${JSON.stringify(p)}: not classified: ${(e as Error)?.stack ?? e}`);
      outcome = e.code;
    } finally {
      clearTimeout(timer);
      for (const res of open) res.destroy();
    }
    assert.ok(Date.now() - t0 < 30_000);
    cases++;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }), { numRuns: 200, seed: 1618, includeErrorInReport: true });
  plan = undefined;
  console.log(`registry fuzz: ${cases} faulty registries; ${[...outcomes].sort().map(([k, n]) => `${k}: ${n}`).join(', ')}`);
});

test('with the CLI\'s default timeouts, a registry that never answers fails in under 30 s', { timeout: 60_000 }, async () => {
  plan = { route: 'manifest', fault: 'hang', status: 200, times: 100, junk: '' };
  hits = 0;
  const dir = mkdtempSync(join(tmpdir(), 'airlock-fuzz-reg-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config.json'), '{}');
  const t0 = Date.now();
  const ctx = { env: { DOCKER_CONFIG: dir, HOME: dir }, cwd: dir, log: memoryLog(), stdout: () => {} };
  await assert.rejects(inspect.run([`docker://${host}/${REPO}:v1`, '--insecure'], ctx), (e) => e instanceof AirlockError && e.exitCode === 5);
  const s = (Date.now() - t0) / 1000;
  assert.ok(s < 30, `took ${s} s`);
  console.log(`a hanging registry failed after ${s.toFixed(1)} s`);
  plan = undefined;
});

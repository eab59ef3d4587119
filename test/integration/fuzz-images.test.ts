// Fuzzing the image readers: a small signed OCI layout and a docker-archive, damaged in many ways (corrupt JSON, wrong
// digests, truncated blobs, bad tar headers, bad gzip), given to `audit`, `copy`, `verify` and `diff` in-process.
// Every case must end in a classified error or success within 30 s, never an internal error (exit 1).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import tar from 'tar-stream';
import { AirlockError } from '../../src/errors.js';
import { memoryLog } from '../../src/log.js';
import type { Command, CommandContext } from '../../src/cli/command.js';
import { command as audit } from '../../src/cli/commands/audit.js';
import { command as copy } from '../../src/cli/commands/copy.js';
import { command as diff } from '../../src/cli/commands/diff.js';
import { command as sign } from '../../src/cli/commands/sign.js';
import { command as verify } from '../../src/cli/commands/verify.js';
import { generateKeyPair } from '../../src/evidence/keys.js';
import { layerFromEntries } from '../../src/image/layer.js';
import { newImage } from '../../src/image/image.js';
import type { FileEntry } from '../../src/image/entry.js';
import { fsBlobStore } from '../../src/sinks/blob-store.js';
import { writeLayout } from '../../src/sinks/oci-layout.js';
import { writeDockerArchive } from '../../src/sinks/docker-archive.js';
import { bytesMutation, jsonMutation } from '../helpers/mutate.js';

const EPOCH = 1700000000;
const made: string[] = [];
const tmp = (name: string) => { const d = mkdtempSync(join(tmpdir(), `airlock-fuzz-${name}-`)); made.push(d); return d; };
after(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

const file = (path: string, text: string, mode = 0o644): FileEntry => {
  const data = Buffer.from(text);
  return { path, type: 'file', mode, uid: 0, gid: 0, size: data.length, open: async function* () { yield new Uint8Array(data); } };
};

let base = '';
let archive = '';
let keyDir = '';

const ctx = (): CommandContext => ({ env: { HOME: keyDir, DOCKER_CONFIG: keyDir }, cwd: keyDir, log: memoryLog(), stdout: () => {} });

/** Runs a command in-process; resolves to its exit code, or the exit code of the classified error it threw. */
async function exitOf(cmd: Command, argv: string[]): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`airlock ${cmd.name} ${argv.join(' ')} hung for 30 s`)), 30_000);
  });
  try {
    return await Promise.race([cmd.run(argv, ctx()), timeout]);
  } catch (e) {
    assert.ok(e instanceof AirlockError && e.exitCode !== 1, `airlock ${cmd.name} ${argv.join(' ')}: not classified: ${(e as Error)?.stack ?? e}`);
    return e.exitCode;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs audit, copy (to a layout and an archive), verify and diff on one damaged image. */
async function allCommands(ref: string, out: string): Promise<number[]> {
  return [
    await exitOf(audit, [ref, '--profile', 'any']),
    await exitOf(copy, [ref, `oci:${join(out, 'copy')}:x`]),
    await exitOf(copy, [ref, `docker-archive:${join(out, 'copy.tar')}`]),
    await exitOf(verify, [ref, '--key', join(keyDir, 'k.pub')]),
    await exitOf(diff, [`oci:${base}:v1`, ref]),
  ];
}

before(async () => {
  keyDir = tmp('keys');
  const pair = generateKeyPair();
  writeFileSync(join(keyDir, 'k.key'), pair.privateKey);
  writeFileSync(join(keyDir, 'k.pub'), pair.publicKey);
  base = join(tmp('base'), 'layout');
  const store = fsBlobStore(join(tmp('blobs'), 'store'));
  const one = await layerFromEntries([
    file('etc/os-release', 'ID=debian\nVERSION_ID="12"\n'),
    file('var/lib/dpkg/status.d/libc6', 'Package: libc6\nVersion: 2.36-9\nArchitecture: amd64\nSource: glibc\n'),
  ], { epoch: EPOCH, store });
  const two = await layerFromEntries([file('usr/bin/app', '#!/bin/false\n', 0o755), file('etc/app.conf', 'x=1\n')], { epoch: EPOCH, store });
  const image = newImage({
    layers: [one.layer, two.layer], architecture: 'amd64', os: 'linux', epoch: EPOCH, config: { User: '65532', Entrypoint: ['/usr/bin/app'] },
  });
  await writeLayout(base, { tag: 'v1', image });
  assert.equal(await exitOf(sign, [`oci:${base}:v1`, '--key', join(keyDir, 'k.key')]), 0);
  baseBlobs = blobsInOrder(base);
  archive = join(tmp('archive'), 'image.tar');
  await writeDockerArchive(archive, image, { repoTags: ['demo/app:v1'] });
  // audit's gates find the tiny image unfit for prod or any (exit 6, a policy finding); everything else passes.
  assert.deepEqual(await allCommands(`oci:${base}:v1`, tmp('sanity')), [6, 0, 0, 0, 0], 'the undamaged image');
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const blobsOf = (dir: string) => readdirSync(join(dir, 'blobs', 'sha256')).sort();

/**
 * The base layout's blobs in a fixed order whatever their digests (signatures differ on every run): as index.json
 * lists the manifests, each followed by its config and layers. A seed then picks the same kind of target every run.
 */
function blobsInOrder(dir: string): string[] {
  const out: string[] = [];
  const add = (d: { digest?: string }) => { const hex = d.digest?.replace('sha256:', ''); if (hex && !out.includes(hex)) out.push(hex); };
  const json = (hex: string) => JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', hex), 'utf8'));
  const tags = (d: { annotations?: Record<string, string> }) => d.annotations?.['org.opencontainers.image.ref.name'] ?? '';
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
  for (const m of [...index.manifests].sort((a, b) => (tags(a).startsWith('sha256-') ? 1 : 0) - (tags(b).startsWith('sha256-') ? 1 : 0))) {
    add(m);
    const body = json(m.digest.replace('sha256:', '')) as { config?: { digest: string }; layers?: Array<{ digest: string }> };
    if (body.config) add(body.config);
    for (const l of body.layers ?? []) add(l);
  }
  return [...out, ...blobsOf(dir).filter((n) => !out.includes(n))];
}
let baseBlobs: string[] = [];
const isJson = (b: Buffer) => { try { JSON.parse(b.toString('utf8')); return true; } catch { return false; } };

/** Puts `bytes` in the layout and repoints every manifest and index.json at it (the damage is then "signed off"). */
function reseal(dir: string, oldHex: string, bytes: Buffer): void {
  const hex = sha(bytes);
  writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
  const swap = (text: string) => text.split(`sha256:${oldHex}`).join(`sha256:${hex}`);
  for (const name of blobsOf(dir)) {
    const p = join(dir, 'blobs', 'sha256', name);
    const b = readFileSync(p);
    if (name === hex || !isJson(b) || !b.includes(oldHex)) continue;
    const fixed = Buffer.from(swap(b.toString('utf8')).replace(new RegExp(`("digest":\\s*"sha256:${hex}",\\s*"size":\\s*)\\d+`, 'g'), `$1${bytes.length}`));
    reseal(dir, name, fixed);
  }
  const index = join(dir, 'index.json');
  writeFileSync(index, swap(readFileSync(index, 'utf8')).replace(new RegExp(`("digest":\\s*"sha256:${hex}",\\s*"size":\\s*)\\d+`, 'g'), `$1${bytes.length}`));
}

/** A damage to one file of the layout: its bytes, its JSON, or (for a gzip layer) its tar inside a valid gzip. */
type Damage = { target: number; kind: 'bytes' | 'json' | 'tar' | 'gzip'; resealed: boolean; seed: number };
const damage = fc.record({
  target: fc.nat(), kind: fc.constantFrom('bytes', 'json', 'tar', 'gzip'), resealed: fc.boolean(), seed: fc.integer(),
}) as fc.Arbitrary<Damage>;

function applyDamage(dir: string, d: Damage): string {
  const files = ['index.json', 'oci-layout', ...baseBlobs.map((n) => join('blobs', 'sha256', n))];
  const rel = files[d.target % files.length]!;
  const path = join(dir, rel);
  const bytes = readFileSync(path);
  const pick = <T>(arb: fc.Arbitrary<T>) => fc.sample(arb, { numRuns: 1, seed: d.seed })[0]!;
  let next: Buffer;
  if (d.kind === 'json' && isJson(bytes)) next = Buffer.from(JSON.stringify(pick(jsonMutation(JSON.parse(bytes.toString('utf8'))))));
  else if (d.kind === 'tar' && bytes[0] === 0x1f && bytes[1] === 0x8b) next = gzipSync(pick(bytesMutation(gunzipSync(bytes))));
  else if (d.kind === 'gzip' && bytes[0] === 0x1f && bytes[1] === 0x8b) next = Buffer.concat([bytes.subarray(0, 10), pick(bytesMutation(bytes.subarray(10)))]);
  else next = pick(bytesMutation(bytes));
  if (d.resealed && rel.startsWith('blobs')) {
    rmSync(path, { force: true });
    reseal(dir, rel.split('/').pop()!, next);
  } else {
    writeFileSync(path, next);
  }
  return rel;
}

test('damaged OCI layouts: audit, copy, verify and diff end in a classified error or succeed', { timeout: 10 * 60_000 }, async () => {
  let cases = 0;
  const outcomes = new Map<string, number>();
  await fc.assert(fc.asyncProperty(damage, async (d) => {
    const dir = join(tmp('case'), 'layout');
    cpSync(base, dir, { recursive: true });
    const rel = applyDamage(dir, d);
    const codes = await allCommands(`oci:${dir}:v1`, tmp('out'));
    cases++;
    for (const c of codes) outcomes.set(`exit ${c}`, (outcomes.get(`exit ${c}`) ?? 0) + 1);
    rmSync(dir, { recursive: true, force: true });
    void rel;
  }), { numRuns: 100, seed: 1616, includeErrorInReport: true });
  console.log(`image fuzz: ${cases} damaged layouts × 5 commands; ${[...outcomes].map(([k, n]) => `${k}: ${n}`).join(', ')}`);
});

/** The members of a docker-archive, in order. */
async function members(file: string): Promise<Array<{ name: string; data: Buffer }>> {
  const out: Array<{ name: string; data: Buffer }> = [];
  const ex = tar.extract();
  const done = (async () => { for await (const e of ex) { const parts: Buffer[] = []; for await (const c of e) parts.push(c as Buffer); out.push({ name: e.header.name, data: Buffer.concat(parts) }); } })();
  ex.end(readFileSync(file));
  await done;
  return out;
}

async function pack(file: string, entries: Array<{ name: string; data: Buffer }>): Promise<void> {
  const p = tar.pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => p.on('end', r));
  for (const e of entries) p.entry({ name: e.name, size: e.data.length, mtime: new Date(EPOCH * 1000) }, e.data);
  p.finalize();
  await ended;
  writeFileSync(file, Buffer.concat(chunks));
}

test('damaged docker-archives: the tar itself, or one member (JSON or bytes)', { timeout: 10 * 60_000 }, async () => {
  const parts = await members(archive);
  let cases = 0;
  // Fixed cases first: manifest.json of the wrong shape, read because index.json is gone.
  for (const text of ['null', '{}', '[{"Config":5,"Layers":"x"}]', '[{}]', '[null]']) {
    const file = join(tmp('archive-fixed'), 'image.tar');
    const kept = parts.filter((x) => x.name !== 'index.json');
    await pack(file, kept.map((x) => (x.name === 'manifest.json' ? { name: x.name, data: Buffer.from(text) } : x)));
    assert.equal(await exitOf(audit, [`docker-archive:${file}`, '--profile', 'any']), 5, text);
    cases++;
  }
  const whole = readFileSync(archive);
  const arb = fc.oneof(
    bytesMutation(whole).map((b) => ({ whole: b })),
    fc.tuple(fc.nat({ max: parts.length - 1 }), fc.boolean(), fc.integer()).map(([i, json, seed]) => ({ member: i, json, seed })),
    // Without index.json the archive is read as docker save writes it, through manifest.json.
    fc.tuple(fc.boolean(), fc.integer()).map(([json, seed]) => ({ member: parts.findIndex((p) => p.name === 'manifest.json'), json, seed, noIndex: true })),
  );
  await fc.assert(fc.asyncProperty(arb, async (m) => {
    const file = join(tmp('archive-case'), 'image.tar');
    if ('whole' in m) writeFileSync(file, m.whole);
    else {
      const e = parts[m.member]!;
      const pick = <T>(a: fc.Arbitrary<T>) => fc.sample(a, { numRuns: 1, seed: m.seed })[0]!;
      const data = m.json && isJson(e.data) ? Buffer.from(JSON.stringify(pick(jsonMutation(JSON.parse(e.data.toString('utf8'))))))
        : pick(bytesMutation(e.data));
      const kept = 'noIndex' in m ? parts.filter((x) => x.name !== 'index.json') : parts;
      await pack(file, kept.map((x) => (x === e ? { name: x.name, data } : x)));
    }
    const out = tmp('archive-out');
    await exitOf(audit, [`docker-archive:${file}`, '--profile', 'any']);
    await exitOf(copy, [`docker-archive:${file}`, `oci:${join(out, 'copy')}:x`]);
    await exitOf(verify, [`docker-archive:${file}`, '--key', join(keyDir, 'k.pub')]);
    await exitOf(diff, [`oci:${base}:v1`, `docker-archive:${file}`]);
    cases++;
  }), { numRuns: 80, seed: 1617, includeErrorInReport: true });
  console.log(`archive fuzz: ${cases} damaged docker-archives × 4 commands`);
});

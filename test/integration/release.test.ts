// publish, catalog and gc against a real docker-registry: immutable X.Y.Z, convenience tags only forward, prod's
// signature and attestations along, dev/test by branch and commit, old dev images deleted and their blobs collected.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryBlobStore } from '../../src/image/blob-store.js';
import { hexOf, type Digest } from '../../src/image/digest.js';
import { newImage, type Image } from '../../src/image/image.js';
import { layerFromEntries } from '../../src/image/layer.js';
import { generateKeyPair, loadPrivateKey, loadPublicKey } from '../../src/evidence/keys.js';
import { PredicateType, statement } from '../../src/evidence/attestation.js';
import { signImage } from '../../src/evidence/sign-image.js';
import { verifyImage } from '../../src/evidence/verify-image.js';
import { writeLayout } from '../../src/sinks/oci-layout.js';
import { layoutImageStore } from '../../src/sinks/layout-store.js';
import { registryClient } from '../../src/sinks/registry.js';
import { registryImageStore } from '../../src/sinks/registry-store.js';
import { runCli } from '../helpers/cli.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

const DAY = 86_400;
const now = Math.floor(Date.now() / 1000);
let reg: TestRegistry;
let tmp: string;
let project: string;
let keyFile: string;
const pair = generateKeyPair();
const key = loadPrivateKey(pair.privateKey, 'test.key');
const pub = loadPublicKey(pair.publicKey, 'test.pub');

interface Build { out: string; prod: Image; dev: Image; test: Image; devLayer: Digest }
const builds: Record<string, Build> = {};

/** A build's output folder with three tiny variants (each with a layer of its own), prod signed when asked. */
async function makeBuild(name: string, epoch: number, signed: boolean): Promise<Build> {
  const store = memoryBlobStore();
  const file = (path: string, text: string) => {
    const b = Buffer.from(text);
    const open = async function* () { yield b; };
    return { path, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: b.length, open };
  };
  const image = async (variant: string) => {
    const l = await layerFromEntries([file(`${variant}/${name}`, `${variant} of build ${name}\n`)], { epoch, store });
    const config = { Cmd: ['/bin/true'], Labels: { 'dev.airlock.variant': variant } };
    return newImage({ layers: [l.layer], architecture: 'amd64', os: 'linux', epoch, config });
  };
  const [dev, prod, testImage] = [await image('dev'), await image('prod'), await image('test')];
  const out = join(tmp, `out-${name}`);
  const oci = join(out, 'oci');
  await writeLayout(oci, [
    { tag: '1-dev', image: dev }, { tag: '1-prod', image: prod },
    { tag: '1-test', image: testImage }, { tag: '1', image: prod },
  ]);
  if (signed) {
    const sbom = statement('demo/app', prod.digest, PredicateType.spdx, { spdxVersion: 'SPDX-2.3', name });
    const file = { predicateType: PredicateType.spdx, statement: Buffer.from(JSON.stringify(sbom)), file: 'sbom' };
    await signImage(await layoutImageStore(oci, { reference: '1-prod', repository: 'demo/app' }), key, [file]);
  }
  return { out, prod, dev, test: testImage, devLayer: dev.layers[0]!.digest };
}

const git = (...args: string[]) => execFileSync('git', ['-C', project, ...args], { encoding: 'utf8' }).trim();
const commit = (msg: string) => {
  git('-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '--allow-empty', '-m', msg);
  return git('rev-parse', '--short', 'HEAD');
};
const skopeoDigest = (ref: string) =>
  JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', ref], { encoding: 'utf8' })).Digest as string;
const publish = (b: Build, version: string, ...more: string[]) =>
  runCli(['publish', '--out', b.out, '--repo', `${reg.host}/demo/app`, '--version', version, '--insecure', ...more],
    { cwd: project });
const json = <T>(r: { code: number; stdout: string; stderr: string }): T => {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
};
interface Published { changed: boolean; tags: { ref: string; digest?: string; action: string; note?: string }[] }
const actions = (p: Published) => Object.fromEntries(p.tags.map((t) => [t.ref.slice(`${reg.host}/`.length), t.action]));

before(async () => {
  reg = await startRegistry();
  tmp = mkdtempSync(join(tmpdir(), 'airlock-release-'));
  project = join(tmp, 'project');
  execFileSync('git', ['init', '-q', '-b', 'main', project]);
  writeFileSync(join(project, 'airlock.yaml'), 'name: demo/app\n');
  keyFile = join(tmp, 'test.key');
  writeFileSync(keyFile, pair.privateKey);
  builds.a = await makeBuild('a', now - 30 * DAY, true);
  builds.b = await makeBuild('b', now - 20 * DAY, true);
  builds.c = await makeBuild('c', now - DAY, false);
  builds.d = await makeBuild('d', now - DAY + 60, false);
  builds.e = await makeBuild('e', now - DAY + 120, false);
});
after(async () => {
  await reg?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const commits: Record<string, string> = {};

test('publish: tags move only forward, X.Y.Z is immutable, signatures travel, dev and test by commit', async () => {
  const client = registryClient(reg.host, { insecure: true });
  const at = (tag: string) => skopeoDigest(`docker://${reg.host}/demo/app:${tag}`);
  const { a, b, c, d, e } = builds as Record<string, Build>;

  commits.a = commit('a');
  const first = json<Published>(await publish(a!, '1.2.3', '--json'));
  assert.ok(first.changed);
  const sig = `demo/app:sha256-${hexOf(a!.prod.digest)}.sig`;
  const att = `demo/app:sha256-${hexOf(a!.prod.digest)}.att`;
  assert.deepEqual(actions(first), {
    'demo/app:1.2.3': 'created', [sig]: 'created', [att]: 'created', 'demo/app:1.2': 'created', 'demo/app:1': 'created',
    'demo/app:latest': 'created', 'demo/app/dev:latest': 'created', 'demo/app/dev:main': 'created',
    [`demo/app/dev:${commits.a}`]: 'created', [`demo/app/test:${commits.a}`]: 'created',
  });
  for (const t of ['1.2.3', '1.2', '1', 'latest']) assert.equal(at(t), a!.prod.digest, t);
  assert.equal(skopeoDigest(`docker://${reg.host}/demo/app/dev:main`), a!.dev.digest);
  assert.equal(skopeoDigest(`docker://${reg.host}/demo/app/test:${commits.a}`), a!.test.digest);
  // The layout's signature and SBOM attestation verify on the registry copy; dev stays unsigned.
  const verified = await verifyImage(registryImageStore(client, 'demo/app', a!.prod.digest), pub, 'test.pub');
  assert.ok(verified.checks.some((x) => /1 DSSE attestation/.test(x)), verified.checks.join('\n'));
  assert.deepEqual((await client.tags('demo/app/dev')).filter((t) => t.startsWith('sha256-')), []);

  // The same build again: nothing changes, and the text output says so.
  const again = await publish(a!, '1.2.3');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /nothing changed: 1\.2\.3 already is this build/);

  commits.b = commit('b');
  const second = json<Published>(await publish(b!, '2.0.0', '--json'));
  assert.equal(actions(second)['demo/app:latest'], 'moved');
  for (const t of ['2.0.0', '2.0', '2', 'latest']) assert.equal(at(t), b!.prod.digest, t);

  // 1.2.4 after 2.0.0: its own series moves, latest stays on 2.0.0.
  commits.c = commit('c');
  const third = json<Published>(await publish(c!, '1.2.4', '--json'));
  assert.equal(third.tags.find((t) => t.ref.endsWith('demo/app:latest'))?.note, '2.0.0 is higher');
  assert.equal(at('1.2'), c!.prod.digest);
  assert.equal(at('1'), c!.prod.digest);
  assert.equal(at('latest'), b!.prod.digest);
  assert.match(third.tags.map((t) => t.action).join(','), /created/);

  // 1.2.0, lower than 1.2.4 in its own series: no convenience tag moves back.
  commits.d = commit('d');
  const fourth = json<Published>(await publish(d!, '1.2.0', '--json'));
  assert.deepEqual(['1.2', '1', 'latest'].map((t) => actions(fourth)[`demo/app:${t}`]), ['kept', 'kept', 'kept']);
  assert.equal(at('1.2'), c!.prod.digest);
  assert.equal(at('1.2.0'), d!.prod.digest);

  // A prerelease moves nothing; its unsigned layout is signed at publish time with --sign.
  commits.e = commit('e');
  const fifth = json<Published>(await publish(e!, '3.0.0-rc.1', '--sign', keyFile, '--json'));
  assert.deepEqual(['3.0', '3', 'latest'].map((t) => fifth.tags.find((x) => x.ref.endsWith(`demo/app:${t}`))?.note),
    ['a prerelease moves no tag', 'a prerelease moves no tag', 'a prerelease moves no tag']);
  assert.equal(at('latest'), b!.prod.digest);
  await assert.rejects(() => client.manifest('demo/app', '3.0'));
  await verifyImage(registryImageStore(client, 'demo/app', e!.prod.digest), pub, 'test.pub');

  // Another image under an existing version: exit 6 naming both digests, nothing pushed.
  const clash = await publish(b!, '1.2.3');
  assert.equal(clash.code, 6, clash.stderr);
  assert.match(clash.stderr, /release-exists/);
  assert.ok(clash.stderr.includes(a!.prod.digest) && clash.stderr.includes(b!.prod.digest), clash.stderr);
  assert.equal(at('1.2.3'), a!.prod.digest);
});

test('catalog: versions with digests, dates and signatures; convenience tags; dev tags with ages', async () => {
  const r = await runCli(['catalog', `${reg.host}/demo/app`, '--insecure', '--json']);
  const cat = json<{
    releases: { version: string; digest: string; created?: string; signed: boolean }[];
    convenience: { tag: string; version?: string }[]; dev: { tag: string; digest: string; ageSeconds?: number }[];
  }>(r);
  assert.deepEqual(cat.releases.map((x) => [x.version, x.signed]),
    [['3.0.0-rc.1', true], ['2.0.0', true], ['1.2.4', false], ['1.2.3', true], ['1.2.0', false]]);
  const a = cat.releases.find((x) => x.version === '1.2.3')!;
  assert.equal(a.digest, builds.a!.prod.digest);
  assert.equal(a.created, new Date((now - 30 * DAY) * 1000).toISOString());
  assert.deepEqual(Object.fromEntries(cat.convenience.map((p) => [p.tag, p.version])),
    { 1: '1.2.4', '1.2': '1.2.4', 2: '2.0.0', '2.0': '2.0.0', latest: '2.0.0' });
  const devA = cat.dev.find((x) => x.tag === commits.a)!;
  assert.equal(devA.digest, builds.a!.dev.digest);
  assert.ok(Math.abs(devA.ageSeconds! - 30 * DAY) < 600, String(devA.ageSeconds));
  assert.equal(cat.dev.find((x) => x.tag === 'latest')?.digest, builds.e!.dev.digest);
  const text = await runCli(['catalog', `${reg.host}/demo/app`, '--insecure']);
  assert.match(text.stdout, /latest\s+→ 2\.0\.0/);
  assert.match(text.stdout, new RegExp(`${commits.a}\\s+sha256:\\S+\\s+30d old`));
});

test('gc: deletes dev images older than the limit by digest; the registry garbage-collects their blobs', async () => {
  const client = registryClient(reg.host, { insecure: true });
  const dev = `${reg.host}/demo/app/dev`;
  interface Gc { images: { digest: string; action: string }[] }
  const byAction = (g: Gc) => Object.fromEntries(g.images.map((i) => [i.digest, i.action]));
  const { a, b, c, e } = builds as Record<string, Build>;

  const dry = json<Gc>(await runCli(['gc', dev, '--older-than', '7d', '--dry-run', '--insecure', '--json']));
  assert.equal(byAction(dry)[a!.dev.digest], 'would-delete');
  assert.equal(byAction(dry)[b!.dev.digest], 'would-delete');
  assert.equal(byAction(dry)[c!.dev.digest], 'kept');
  assert.ok((await client.tags('demo/app/dev')).includes(commits.a!), 'a dry run deletes nothing');

  const refused = await runCli(['gc', `${reg.host}/demo/app`, '--older-than', '7d', '--insecure']);
  assert.equal(refused.code, 6, refused.stderr);
  assert.match(refused.stderr, /gc-release-repository.*holds release tags/);

  const done = json<Gc>(await runCli(['gc', dev, '--older-than', '7d', '--insecure', '--json']));
  assert.equal(byAction(done)[a!.dev.digest], 'deleted');
  assert.equal(byAction(done)[e!.dev.digest], 'kept');
  const left = await client.tags('demo/app/dev');
  assert.ok(!left.includes(commits.a!) && !left.includes(commits.b!), left.join(','));
  assert.ok(left.includes(commits.c!) && left.includes('latest'), left.join(','));
  assert.equal(await client.findManifest('demo/app/dev', a!.dev.digest), undefined);

  // The registry's own garbage collection, offline: the deleted images' layers leave its storage.
  const blobs = join(reg.storage, 'docker/registry/v2/blobs/sha256');
  const blob = (d: Digest) => join(blobs, hexOf(d).slice(0, 2), hexOf(d), 'data');
  assert.ok(existsSync(blob(a!.devLayer)), 'the blob is still stored before garbage-collect');
  await reg.halt();
  execFileSync('docker-registry', ['garbage-collect', reg.config], { stdio: 'ignore' });
  assert.ok(!existsSync(blob(a!.devLayer)) && !existsSync(blob(b!.devLayer)), 'deleted dev layers are gone');
  assert.ok(existsSync(blob(c!.devLayer)) && existsSync(blob(a!.prod.layers[0]!.digest)), 'kept images keep theirs');
});

test('bad input: versions, repositories and durations get located usage errors', async () => {
  const cases: [string[], RegExp][] = [
    [['publish', '--repo', '127.0.0.1:1/demo/app', '--version', '1.2'],
      /--version: "1\.2" is not a full version[\s\S]*1\.2\.0/],
    [['publish', '--repo', '127.0.0.1:1/demo/app', '--version', 'v1.2.3'],
      /starts with "v"[\s\S]*without the v: 1\.2\.3/],
    [['publish', '--repo', '127.0.0.1:1/demo/app', '--version', 'latest'], /latest" is a convenience tag/],
    [['publish', '--repo', 'demo/app', '--version', '1.2.3'], /--repo: .*"demo" is not a registry host/],
    [['publish', '--repo', '127.0.0.1:1/demo/app:v1', '--version', '1.2.3'], /--repo: .*without :TAG/],
    [['gc', '127.0.0.1:1/demo/app/dev', '--older-than', '7x'], /--older-than: "7x": "x" is not a unit at character 2/],
    [['gc', '127.0.0.1:1/demo/app/dev', '--older-than=-1d'], /cannot be negative at character 1/],
    [['catalog', '127.0.0.1:1/Demo'], /REPO: .*not a valid repository name/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, { cwd: project });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
});

// The step cache end to end on examples/python-pip (a pip fetch step sealed to the manifests, build and test steps):
// each kind of change reruns exactly the steps it affects; a no-change rebuild keeps the outputs; digests are the
// same with and without the cache.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, repoRoot, runCli, type CliResult } from '../helpers/cli.js';

interface Report { variants: Record<'dev' | 'prod' | 'test', { digest: string }>; steps?: { id: string; cached: boolean }[] }

/** A fresh epoch for this run, so no other test's cache entries answer for these steps. */
const EPOCH = String(1_700_000_000 + Math.floor(Math.random() * 10_000_000));

describe('step cache: python-pip', { timeout: 45 * 60_000 }, () => {
  let dir = '';
  let out = '';
  const temps: string[] = [];
  let first: Report;

  async function build(args: string[] = [], env: NodeJS.ProcessEnv = {}, cli = runCli): Promise<{ r: CliResult; report: Report }> {
    const r = await cli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, ...args], { env: { SOURCE_DATE_EPOCH: EPOCH, ...env } });
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    return { r, report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report };
  }
  const ran = (rep: Report) => (rep.steps ?? []).filter((s) => !s.cached).map((s) => s.id);
  const ids = (rep: Report) => (rep.steps ?? []).map((s) => s.id);

  before(async () => {
    dir = await copyExample('python-pip');
    out = mkdtempSync(join(tmpdir(), 'airlock-stepcache-out-'));
    first = (await build()).report;
  });
  after(() => { for (const d of [dir, out, ...temps]) rmSync(d, { recursive: true, force: true }); });

  test('the first build runs every step; a no-change rebuild keeps the outputs without running anything', async () => {
    assert.deepEqual(ids(first), ['build.fetch[0]', 'build.steps[0]', 'build.steps[1]', 'build.steps[2]', 'build.test[0]']);
    assert.deepEqual(ran(first), ids(first));
    const { r, report } = await build();
    assert.match(r.stderr, /no change since the last build/);
    assert.doesNotMatch(r.stderr, /==> /, 'no step ran or was replayed');
    assert.equal(report.variants.prod.digest, first.variants.prod.digest);
  });

  test('--no-cache runs every step again and gives the same digests', async () => {
    const { report } = await build(['--no-cache']);
    assert.deepEqual(ran(report), ids(first));
    for (const v of ['dev', 'prod', 'test'] as const) assert.equal(report.variants[v].digest, first.variants[v].digest, v);
  });

  test('a source change reuses the fetched dependencies and reruns the build and test steps', async () => {
    appendFileSync(join(dir, 'main.py'), `# ${EPOCH} source change\n`);
    const { r, report } = await build();
    assert.deepEqual(ran(report), ['build.steps[0]', 'build.steps[1]', 'build.steps[2]', 'build.test[0]']);
    assert.match(r.stderr, /==> build\.fetch\[0\]: CACHED python3 -m pip install/);
  });

  test('a rebuild links the unchanged builder layer from the previous outputs, and never a damaged one', async () => {
    const blobOf = (hex: string) => join(out, 'oci', 'blobs', 'sha256', hex);
    const builderBlob = () => {
      const index = JSON.parse(readFileSync(join(out, 'oci', 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
      const dev = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name']?.endsWith('-dev'))!;
      const manifest = JSON.parse(readFileSync(blobOf(dev.digest.slice(7)), 'utf8')) as { layers: { digest: string }[] };
      return blobOf(manifest.layers[0]!.digest.slice(7));
    };
    const before = builderBlob();
    const ino = statSync(before).ino;
    appendFileSync(join(dir, 'main.py'), `# ${EPOCH} second source change\n`);
    await build();
    assert.equal(builderBlob(), before, 'the builder layer is unchanged');
    assert.equal(statSync(before).ino, ino, 'linked from the previous outputs, not written again');
    // Damaged in place with its size and times kept: the next build must not link it.
    const { atime, mtime, size } = statSync(before);
    writeFileSync(before, Buffer.alloc(size, 0x41));
    utimesSync(before, atime, mtime);
    appendFileSync(join(dir, 'main.py'), `# ${EPOCH} third source change\n`);
    await build();
    assert.notEqual(statSync(before).ino, ino, 'written again');
    assert.equal(`sha256:${createHash('sha256').update(readFileSync(before)).digest('hex')}`, `sha256:${before.split('/').pop()}`);
  });

  test('a dependency manifest change reruns the fetch step and everything after it', async () => {
    appendFileSync(join(dir, 'requirements.txt'), `# ${EPOCH} manifest change\n`);
    const { report } = await build();
    assert.deepEqual(ran(report), ids(first));
  });

  test('an environment variable the steps use (SOURCE_DATE_EPOCH) reruns them', async () => {
    const { report } = await build([], { SOURCE_DATE_EPOCH: String(Number(EPOCH) + 1) });
    assert.deepEqual(ran(report), ids(first));
    const back = await build();
    assert.deepEqual(ran(back.report), [], 'the old entries answer again');
  });

  test('changing one step reruns that step only (and those after it)', async () => {
    const planned = await runCli(['plan', '-c', join(dir, 'airlock.yaml'), '--json', '-q'], { env: { SOURCE_DATE_EPOCH: EPOCH } });
    assert.equal(planned.code, 0, planned.stderr);
    const testCmd = (JSON.parse(planned.stdout) as { steps: { id: string; command: string }[] }).steps.find((s) => s.id === 'build.test[0]')!.command;
    const yaml = readFileSync(join(dir, 'airlock.yaml'), 'utf8');
    writeFileSync(join(dir, 'airlock.yaml'), `${yaml}\nbuild:\n  test:\n    - ${JSON.stringify(`${testCmd} && echo changed-${EPOCH}`)}\n`);
    const { report } = await build();
    assert.deepEqual(ran(report), ['build.test[0]']);
    writeFileSync(join(dir, 'airlock.yaml'), yaml);
  });

  test('a config change that no step sees reruns no step but makes new outputs', async () => {
    const yaml = readFileSync(join(dir, 'airlock.yaml'), 'utf8');
    writeFileSync(join(dir, 'airlock.yaml'), `${yaml}\nruntime:\n  env:\n    GREETING_STYLE: "${EPOCH}"\n`);
    const { r, report } = await build();
    assert.doesNotMatch(r.stderr, /no change since the last build/);
    assert.deepEqual(ran(report), []);
    assert.notEqual(report.variants.prod.digest, first.variants.prod.digest);
    writeFileSync(join(dir, 'airlock.yaml'), yaml);
  });

  test("a lock change outside the builder set reruns no step; airlock's own code changing reruns every step", async () => {
    const yaml = readFileSync(join(dir, 'airlock.yaml'), 'utf8');
    // zlib1g is in the builder already (python3 needs it): declaring it at run time changes the lock's runtime set only.
    writeFileSync(join(dir, 'airlock.yaml'), `${yaml}\npackages:\n  packages: [zlib1g]\n`);
    const { report } = await build();
    assert.deepEqual(ran(report), []);
    writeFileSync(join(dir, 'airlock.yaml'), yaml);
    // A copy of airlock whose code differs by one comment is another airlock.
    const code = mkdtempSync(join(tmpdir(), 'airlock-code-'));
    temps.push(code);
    cpSync(join(repoRoot, 'src'), join(code, 'src'), { recursive: true });
    if (existsSync(join(repoRoot, 'assets'))) cpSync(join(repoRoot, 'assets'), join(code, 'assets'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(code, 'node_modules'));
    cpSync(join(repoRoot, 'package.json'), join(code, 'package.json'));
    appendFileSync(join(code, 'src', 'log.ts'), `// ${EPOCH}\n`);
    const otherAirlock = (args: string[], o: { env?: NodeJS.ProcessEnv } = {}) =>
      runCli(args, { ...o, cwd: code, main: join(code, 'src', 'cli', 'main.ts') });
    const other = await build([], {}, otherAirlock);
    assert.deepEqual(ran(other.report), ids(first));
  });
});

// The step cache on real folders: what a step changed is recorded and replayed exactly; a damaged entry is never used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, link, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile, readlink, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordStep, restoreStep, stepKey, type StepKeyParts } from './step-cache.js';
import { snapshotTree } from './tree-diff.js';

async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const rel of (await readdir(dir, { recursive: true, encoding: 'utf8' })).sort()) {
    const p = join(dir, rel);
    const st = await lstat(p);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out.push(`${rel} -> ${await readlink(p)}`);
    else if (st.isDirectory()) out.push(`${rel}/ ${mode}`);
    else out.push(`${rel} ${mode} ${st.nlink} ${await readFile(p, 'utf8')}`);
  }
  return out;
}

/** A "step": changes made to src and out between two snapshots. */
async function setup() {
  const base = await mkdtemp(join(tmpdir(), 'airlock-stepcache-'));
  const cache = join(base, 'cache');
  const src = join(base, 'src');
  const out = join(base, 'out');
  await mkdir(join(src, 'old'), { recursive: true });
  await mkdir(out, { recursive: true });
  await writeFile(join(src, 'main.c'), 'int main;');
  await writeFile(join(src, 'old', 'gone.o'), 'obj');
  await writeFile(join(src, 'becomes-dir'), 'file');
  return { base, cache, src, out };
}

async function theStep(src: string, out: string) {
  await writeFile(join(src, 'main.c'), 'int main(void);'); // changed
  await rm(join(src, 'old'), { recursive: true }); // deleted folder
  await rm(join(src, 'becomes-dir'));
  await mkdir(join(src, 'becomes-dir'));
  await writeFile(join(src, 'becomes-dir', 'x'), 'x');
  await mkdir(join(out, 'usr/bin'), { recursive: true });
  await writeFile(join(out, 'usr/bin/app'), 'ELF', { mode: 0o755 });
  await link(join(out, 'usr/bin/app'), join(out, 'usr/bin/app-alias'));
  await symlink('app', join(out, 'usr/bin/app-link'));
  await mkdir(join(out, 'ro'));
  await writeFile(join(out, 'ro', 'data'), 'kept');
  await chmod(join(out, 'ro'), 0o555);
}

async function runAndRecord(cache: string, key: string, src: string, out: string) {
  const before = { src: await snapshotTree(src), out: await snapshotTree(out) };
  await theStep(src, out);
  await recordStep(cache, key, 'build.steps[0]', [
    { root: 'src', dir: src, before: before.src, after: await snapshotTree(src) },
    { root: 'out', dir: out, before: before.out, after: await snapshotTree(out) },
  ]);
}

test('a replayed step leaves exactly the tree the step left: changes, deletions, type changes, links, hard links, modes', async () => {
  const a = await setup();
  const b = await setup();
  try {
    await runAndRecord(a.cache, 'k1', a.src, a.out);
    const r = await restoreStep(a.cache, 'k1', { src: b.src, out: b.out });
    assert.deepEqual(r, { hit: true });
    assert.deepEqual(await tree(b.src), await tree(a.src));
    assert.deepEqual(await tree(b.out), await tree(a.out));
    assert.equal((await stat(join(b.out, 'usr/bin/app'))).ino, (await stat(join(b.out, 'usr/bin/app-alias'))).ino, 'hard link kept');
  } finally {
    await chmod(join(a.out, 'ro'), 0o755).catch(() => {});
    await chmod(join(b.out, 'ro'), 0o755).catch(() => {});
    await rm(a.base, { recursive: true, force: true });
    await rm(b.base, { recursive: true, force: true });
  }
});

test('a missing key is a miss; a damaged content file or manifest is discarded, never replayed', async () => {
  const a = await setup();
  try {
    await runAndRecord(a.cache, 'k2', a.src, a.out);
    assert.deepEqual(await restoreStep(a.cache, 'nope', { src: a.src, out: a.out }), { hit: false });
    // Damage the stored content of usr/bin/app (same size, other bytes).
    const cas = join(a.cache, 'cas', 'sha256');
    for (const f of await readdir(cas)) {
      if ((await readFile(join(cas, f), 'utf8')) === 'ELF') { await chmod(join(cas, f), 0o644); await writeFile(join(cas, f), 'ELX'); }
    }
    const fresh = await setup();
    const r = await restoreStep(a.cache, 'k2', { src: fresh.src, out: fresh.out });
    assert.equal(r.hit, false);
    assert.match((r as { corrupt?: string }).corrupt ?? '', /usr\/bin\/app is corrupt/);
    assert.deepEqual(await tree(fresh.out), [], 'nothing was written before the entry was found damaged');
    assert.deepEqual(await restoreStep(a.cache, 'k2', { src: fresh.src, out: fresh.out }), { hit: false }, 'the entry is gone');
    await rm(fresh.base, { recursive: true, force: true });
    // A manifest edited by hand no longer matches its digest.
    const b = await setup();
    await runAndRecord(b.cache, 'k3', b.src, b.out);
    const m = join(b.cache, 'steps', 'k3.json');
    await writeFile(m, (await readFile(m, 'utf8')).replace('"mode":493', '"mode":511'));
    const r2 = await restoreStep(b.cache, 'k3', { src: b.src, out: b.out });
    assert.match((r2 as { corrupt?: string }).corrupt ?? '', /digest/);
    await chmod(join(b.out, 'ro'), 0o755);
    await rm(b.base, { recursive: true, force: true });
  } finally {
    await chmod(join(a.out, 'ro'), 0o755).catch(() => {});
    await rm(a.base, { recursive: true, force: true });
  }
});

test('the step key changes with every part it is made of, and only with them', () => {
  const parts: StepKeyParts = {
    airlock: '0.1.0+a', rootfsKey: 'r', previous: null, env: { A: '1' }, inputsDigest: 'sha256:x',
    step: { id: 'build.steps[0]', command: 'make', network: false, inputs: 'source', caches: [] },
  };
  const k = stepKey(parts);
  assert.equal(stepKey({ ...parts, env: { A: '1' } }), k);
  const variants: StepKeyParts[] = [
    { ...parts, airlock: '0.1.0+b' }, { ...parts, rootfsKey: 'r2' }, { ...parts, previous: 'p' }, { ...parts, env: { A: '2' } },
    { ...parts, inputsDigest: 'sha256:y' }, { ...parts, step: { ...parts.step, command: 'make all' } },
    { ...parts, step: { ...parts.step, network: true } },
  ];
  const keys = new Set([k, ...variants.map(stepKey)]);
  assert.equal(keys.size, variants.length + 1);
});

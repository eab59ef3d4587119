// airlock export on real BuildKit: Debian's dockerd (20.10) builds dev, prod and test from the exported Dockerfile,
// FROM bases airlock pushed to a real registry by digest, and its prod holds the same files as airlock's own prod.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';
import { startDockerd, type TestDockerd } from '../helpers/dockerd.js';
import { filesDiff, imageFiles } from '../helpers/image-files.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { readLayout } from '../../src/sinks/oci-layout.js';
import { readDockerArchive } from '../../src/sinks/docker-archive.js';
import { validateLayout } from '../validate.js';

const EXAMPLES = [
  // A compiled program: the binary must come out of BuildKit byte for byte as airlock built and stripped it.
  { name: 'hello-c', run: [] as string[], says: /^Hello, world, from airlock! \(uid 65532\)$/ },
  // An interpreted one without a fetch step: the app, its bytecode and the stdlib bytecode built in the steps.
  { name: 'python-web', run: ['--self-check'], says: /^200 \{.*"uid": 65532/ },
];

describe('airlock export builds on real BuildKit', { timeout: 30 * 60_000 }, () => {
  let registry: TestRegistry;
  let dockerd: TestDockerd;
  const work = mkdtempSync(join(tmpdir(), 'airlock-export-bk-'));
  /** Each example's copy, kept to the end: the later tests start from hello-c's lock. */
  const copies = new Map<string, string>();
  const withHelloLock = async () => {
    const dir = await copyExample('hello-c');
    copyFileSync(join(copies.get('hello-c')!, 'airlock.lock.json'), join(dir, 'airlock.lock.json'));
    return dir;
  };

  before(async () => {
    registry = await startRegistry();
    dockerd = await startDockerd();
  });
  after(async () => {
    await dockerd?.stop();
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
    for (const d of copies.values()) rmSync(d, { recursive: true, force: true });
  });

  for (const ex of EXAMPLES) {
    describe(ex.name, () => {
      let dir = '';
      const built = join(work, `${ex.name}-build`);
      const exported = join(work, `${ex.name}-export`);
      const archive = join(work, `${ex.name}-prod.tar`);
      let build: CliResult;
      let exp: CliResult;
      const images: Record<string, { status: number | null; stderr: string }> = {};

      before(async () => {
        dir = await copyExample(ex.name);
        copies.set(ex.name, dir);
        build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', built, '-q']);
        exp = await runCli([
          'export', '-c', join(dir, 'airlock.yaml'), '--format', 'bake', '--out', exported,
          '--bases', registry.host, '--insecure', '--frontend', 'docker-20.10',
        ]);
        if (exp.code !== 0) return;
        for (const v of ['prod', 'test', 'dev']) {
          const r = dockerd.docker(['build', '-q', '--network=none', '-f', join(exported, 'Dockerfile'), '--target', v, '-t', `${ex.name}:${v}`, '.'], { cwd: dir });
          images[v] = { status: r.status, stderr: r.stderr };
        }
        dockerd.docker(['save', '-o', archive, `${ex.name}:prod`]);
      });

      test('airlock builds and exports the config', () => {
        assert.equal(build.code, 0, build.stderr.slice(-3000));
        assert.equal(exp.code, 0, exp.stderr.slice(-3000));
        for (const f of ['Dockerfile', 'Dockerfile.dockerignore', 'docker-bake.hcl', 'BASES.md']) assert.ok(existsSync(join(exported, f)), f);
        assert.equal(existsSync(join(exported, 'bases')), false, 'pushed bases are not also written');
        const bake = readFileSync(join(exported, 'docker-bake.hcl'), 'utf8');
        assert.match(bake, /^group "default" \{\n {2}targets = \["dev", "prod", "test"\]\n\}$/m);
        for (const v of ['dev', 'prod', 'test']) assert.match(bake, new RegExp(`target "${v}" \\{[^}]*target {5}= "${v}"`));
      });

      test('the export passes airlock lint with zero findings', async () => {
        const r = await runCli(['lint', '--json', join(exported, 'Dockerfile')]);
        assert.equal(r.code, 0, r.stdout);
        assert.deepEqual(JSON.parse(r.stdout), []);
      });

      test('BuildKit builds dev, prod and test FROM the bases pulled by digest', () => {
        for (const v of ['prod', 'test', 'dev']) assert.equal(images[v]?.status, 0, `${v}: ${images[v]?.stderr.slice(-3000)}`);
        const dockerfile = readFileSync(join(exported, 'Dockerfile'), 'utf8');
        assert.match(dockerfile, new RegExp(`^FROM \\$\\{AIRLOCK_BASES\\}/${ex.name}-builder@sha256:[0-9a-f]{64} AS builder$`, 'm'));
        assert.match(dockerfile, new RegExp(`^FROM \\$\\{AIRLOCK_BASES\\}/${ex.name}-runtime@sha256:[0-9a-f]{64} AS prod$`, 'm'));
        assert.match(dockerfile, new RegExp(`^ARG AIRLOCK_BASES=${registry.host.replace(/\./g, '\\.')}$`, 'm'));
      });

      test("BuildKit's prod holds the same files as airlock's prod (path, type, mode, owner, sha256)", async () => {
        const ours = await imageFiles(await readLayout(join(built, 'oci'), 'latest-prod'));
        const theirs = await imageFiles(await readDockerArchive(archive));
        // Sliced, hello-c's prod holds some 40 entries: the loader and libc with their links, /etc, the copyrights.
        assert.ok(ours.size > 30, `airlock's prod has ${ours.size} entries`);
        for (const p of ['usr/lib/x86_64-linux-gnu/libc.so.6', 'etc/passwd']) assert.match(ours.get(p) ?? '', /^file /, p);
        assert.deepEqual(filesDiff(ours, theirs, ['airlock', 'buildkit']), []);
      });

      test("BuildKit's prod runs as 65532, and its test image runs the tests", () => {
        const prod = dockerd.docker(['run', '--rm', '--network=none', '--read-only', `${ex.name}:prod`, ...ex.run]);
        assert.equal(prod.status, 0, prod.stderr);
        assert.match(prod.stdout.trim(), ex.says);
        const tests = dockerd.docker(['run', '--rm', '--network=none', `${ex.name}:test`]);
        assert.equal(tests.status, 0, tests.stderr);
        const dev = dockerd.docker(['run', '--rm', '--network=none', `${ex.name}:dev`, '/bin/sh', '-c', 'id -un; test -w /src']);
        assert.equal(dev.status, 0, dev.stderr);
        assert.equal(dev.stdout.trim(), 'dev');
      });
    });
  }

  test('several configs: one bake file with a group per service, the bases an OCI layout pinned by digest', async () => {
    // The examples' folders from above hold their locks, and the step cache their steps: no step runs again. The
    // export lands inside hello-c's source, so hello-c's build context must leave it out.
    const out = join(copies.get('hello-c')!, 'airlock-export');
    const configs = EXAMPLES.flatMap((e) => ['-c', join(copies.get(e.name)!, 'airlock.yaml')]);
    const r = await runCli(['export', ...configs, '--format', 'bake', '--out', out]);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.ok(existsSync(join(out, '.airlock-output')), 'marked as airlock output');
    assert.match(readFileSync(join(out, 'hello-c', 'Dockerfile.dockerignore'), 'utf8'), /^airlock-export$/m);
    assert.doesNotMatch(readFileSync(join(out, 'python-web', 'Dockerfile.dockerignore'), 'utf8'), /airlock-export/);
    const bake = readFileSync(join(out, 'docker-bake.hcl'), 'utf8');
    assert.match(bake, /^group "default" \{\n {2}targets = \["hello-c", "python-web"\]\n\}$/m);
    for (const e of EXAMPLES) {
      assert.match(bake, new RegExp(`^group "${e.name}" \\{\\n {2}targets = \\["${e.name}-dev", "${e.name}-prod", "${e.name}-test"\\]`, 'm'));
      assert.match(bake, new RegExp(`target "${e.name}-prod" \\{[^}]*dockerfile = "[^"]*/${e.name}/Dockerfile"`));
      const dockerfile = readFileSync(join(out, e.name, 'Dockerfile'), 'utf8');
      assert.match(dockerfile, /^RUN --network=none (?:--mount=\S+ )*\["\/bin\/sh","-ec",/m);
      const lint = await runCli(['lint', '--json', join(out, e.name, 'Dockerfile')]);
      assert.deepEqual(JSON.parse(lint.stdout), []);
      for (const base of [`${e.name}-builder`, `${e.name}-runtime`]) {
        await validateLayout(join(out, 'bases'), base);
        const img = await readLayout(join(out, 'bases'), base);
        assert.ok(dockerfile.includes(`/${base}@${img.digest} AS `), `${base} pinned at ${img.digest}`);
      }
    }
  });

  test('an unexportable config names the part and writes nothing', async () => {
    const dir = await withHelloLock();
    try {
      appendFileSync(join(dir, 'airlock.yaml'), 'build:\n  fetch: ["true"]\n');
      const out = join(work, 'refused');
      const r = await runCli(['export', '-c', join(dir, 'airlock.yaml'), '--format', 'dockerfile', '--out', out, '--frontend', 'docker-20.10']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /build\.fetch\[0\] needs the network/);
      assert.equal(existsSync(out), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Image } from '../image/image.js';
import { lintDockerfile } from '../lint/dockerfile.js';
import type { BuildPlan, PlannedStep } from '../pipeline/plan.js';
import type { ExportFacts } from './collect.js';
import { renderDockerfile, type RenderOptions } from './dockerfile.js';
import { listDigest } from './handoff-recipe.js';
import { handoffCopies, stagingCommand } from './staging.js';

const step = (id: string, phase: PlannedStep['phase'], command: string, extra: Partial<PlannedStep> = {}): PlannedStep => ({
  id, phase, command, network: phase === 'fetch', inputs: phase === 'fetch' ? 'manifests' : 'source', caches: [], ...extra,
});

function facts(steps: PlannedStep[], over: Partial<ExportFacts> = {}): ExportFacts {
  const files = [{ path: 'app/server.js', type: 'file' as const }, { path: 'app/node_modules/x/index.js', type: 'file' as const }];
  const plan = {
    airlock: '0.1.0', image: { name: 'web', tag: 'v1', architecture: 'amd64' }, epoch: { seconds: 1700000000, from: 'test' }, steps,
    execution: { mode: 'native', host: 'amd64', why: 'building on amd64' },
  } as unknown as BuildPlan;
  return {
    config: { name: 'web' } as ExportFacts['config'], plan,
    stepEnv: { PATH: '/usr/bin:/bin', HOME: '/tmp/home', SOURCE_DATE_EPOCH: '1700000000', CFLAGS: '-O2 -g', ODD: 'a "$b"' },
    manifests: ['package.json', 'package-lock.json'],
    handoff: {
      rules: [{ from: '/src', fromIsDir: true, to: 'app', drop: ['app/test/a.test.js'], chmod: { mode: 0o755, paths: ['app/server.js'] } }],
      strip: [], files, listDigest: listDigest(files.map((f) => f.path)),
    },
    prodConfig: {
      User: '65532:65532', Env: ['PATH=/usr/bin:/bin', 'NODE_ENV=production'], Entrypoint: ['/usr/bin/node', '/app/server.js'],
      Cmd: ['--port', '8080'], WorkingDir: '/app', Labels: { 'dev.airlock.variant': 'prod' }, ExposedPorts: { '8080/tcp': {} },
    },
    testCommand: 'npm test', bases: { builder: {} as Image, runtime: {} as Image }, dockerignore: ['**/.git'],
    ...over,
  };
}

const opts = (frontend: RenderOptions['frontend'] = 'current'): RenderOptions => ({
  frontend, basesPrefix: 'localhost:5000',
  bases: { builder: { repo: 'web-builder', digest: `sha256:${'a'.repeat(64)}` }, runtime: { repo: 'web-runtime', digest: `sha256:${'b'.repeat(64)}` } },
});

const withFetch = [
  step('build.fetch[0]', 'fetch', 'npm ci', { caches: [{ name: 'npm', path: '/tmp/home/.npm' }] }),
  step('build.steps[0]', 'build', 'npm run build\necho "done"', { caches: [{ name: 'npm', path: '/tmp/home/.npm' }] }),
  step('build.test[0]', 'test', 'npm test'),
];

test('fetch steps are plain RUN with their caches; build and test steps run with --network=none', () => {
  const text = renderDockerfile(facts(withFetch), opts());
  assert.match(text, /^RUN --mount=type=cache,id=npm,target=\/tmp\/home\/\.npm \["\/bin\/sh","-ec","npm ci"\]$/m);
  assert.match(text, /^RUN --network=none --mount=type=cache,id=npm,target=\/tmp\/home\/\.npm \["\/bin\/sh","-ec","npm run build\\necho \\"done\\""\]$/m);
  assert.match(text, /^RUN --network=none \["\/bin\/sh","-ec","npm test"\]$/m);
  // The sealed fetch step sees the manifests only; the build sees the whole context.
  assert.match(text, /FROM builder AS fetch\nCOPY package\.json \.\/package\.json\nCOPY package-lock\.json \.\/package-lock\.json\n/);
  assert.match(text, /FROM fetch AS build\nCOPY \. \.\/\n/);
});

test('SOURCE_DATE_EPOCH is a build argument; the bases are pinned by digest', () => {
  const text = renderDockerfile(facts(withFetch), opts());
  assert.match(text, /^ARG SOURCE_DATE_EPOCH=1700000000$/m);
  assert.match(text, /^ENV SOURCE_DATE_EPOCH=\$\{SOURCE_DATE_EPOCH\}$/m);
  assert.match(text, /^ENV ODD="a \\"\\\$b\\""$/m);
  assert.match(text, new RegExp(`^FROM \\$\\{AIRLOCK_BASES\\}/web-builder@sha256:a{64} AS builder$`, 'm'));
});

test('prod is the last stage: the runtime base, the artifacts copied by folder, USER 65532:65532, entrypoint and cmd', () => {
  const text = renderDockerfile(facts(withFetch), opts());
  const prod = text.slice(text.lastIndexOf('\nFROM '));
  assert.match(prod, /^\nFROM \$\{AIRLOCK_BASES\}\/web-runtime@sha256:b{64} AS prod\nCOPY --from=handoff \/airlock\/handoff\/app\/ \/app\/\n/);
  assert.equal(prod.match(/^COPY /gm)?.length, 1);
  assert.match(prod, /^USER 65532:65532$/m);
  assert.match(prod, /^ENTRYPOINT \["\/usr\/bin\/node","\/app\/server\.js"\]$/m);
  assert.match(prod, /^CMD \["--port","8080"\]$/m);
  assert.match(prod, /^EXPOSE 8080\/tcp$/m);
});

test('secrets are mounted with their ids, per step or for every step; env secrets are read from their file', () => {
  const secret = { ...step('build.fetch[0]', 'fetch', 'npm ci'), secrets: [{ id: 'npmrc' }, { id: 'token', env: 'NPM_TOKEN' }] };
  const text = renderDockerfile(facts([secret, withFetch[1]!]), opts());
  const reads = String.raw`export NPM_TOKEN=\"$(cat '/run/secrets/token')\"\nnpm ci`;
  assert.ok(text.includes(`RUN --mount=type=secret,id=npmrc --mount=type=secret,id=token ["/bin/sh","-ec","${reads}"]`), text);
  assert.match(text, /^RUN --network=none --mount=type=cache,id=npm,target=\/tmp\/home\/\.npm \["\/bin\/sh","-ec","npm run build/m);
  const f = facts(withFetch.slice(1));
  const everyStep = renderDockerfile({ ...f, plan: { ...f.plan, secrets: [{ id: 'ca' }] } as typeof f.plan }, opts());
  assert.equal(everyStep.match(/--mount=type=secret,id=ca /g)?.length, 2);
  assert.deepEqual(lintDockerfile(text, 'Dockerfile'), []);
});

test('the export passes airlock lint with zero findings, for both frontends', () => {
  assert.deepEqual(lintDockerfile(renderDockerfile(facts(withFetch), opts()), 'Dockerfile'), []);
  const noFetch = withFetch.slice(1);
  assert.deepEqual(lintDockerfile(renderDockerfile(facts(noFetch), opts('docker-20.10')), 'Dockerfile'), []);
});

test('the docker-20.10 form is the current one without --network=none, and refuses fetch steps by id', () => {
  const noFetch = withFetch.slice(1);
  const current = renderDockerfile(facts(noFetch), opts());
  const old = renderDockerfile(facts(noFetch), opts('docker-20.10'));
  const body = (t: string) => t.split('\n').filter((l) => !l.startsWith('#')).join('\n');
  assert.equal(body(current).replace(/--network=none /g, ''), body(old));
  assert.throws(() => renderDockerfile(facts(withFetch), opts('docker-20.10')), (e: Error & { location?: string }) => {
    assert.match(e.message, /build\.fetch\[0\] needs the network/);
    return true;
  });
});

test('a symlink at the image root is refused, naming the artifacts', () => {
  const f = facts(withFetch);
  const files = [...f.handoff.files, { path: 'run', type: 'symlink' as const }];
  assert.throws(() => renderDockerfile({ ...f, handoff: { ...f.handoff, files } }, opts()), /artifact \/run is a symlink at the image root/);
});

test('staging copies each rule, drops what it leaves out, sets modes, strips, and checks the list digest', () => {
  const cmd = stagingCommand({
    rules: [
      { from: '/src', fromIsDir: true, to: 'app', drop: ["app/it's.test.js"] },
      { from: '/airlock/out/usr/bin/tool', fromIsDir: false, to: 'usr/local/bin/tool', drop: [], chmod: { mode: 0o755, paths: ['usr/local/bin/tool'] } },
    ],
    strip: ['usr/local/bin/tool'], files: [], listDigest: 'f'.repeat(64),
  });
  const parts = cmd.split(' \\\n && ');
  assert.deepEqual(parts.slice(2, 8), [
    "mkdir -p 'app'", "cp -a '/src/.' 'app/'", `rm -f 'app/it'\\''s.test.js'`,
    "mkdir -p 'usr/local/bin'", "cp -a '/airlock/out/usr/bin/tool' 'usr/local/bin/tool'", "chmod 0755 'usr/local/bin/tool'",
  ]);
  assert.ok(parts.includes("strip --strip-unneeded --enable-deterministic-archives 'usr/local/bin/tool'"));
  assert.equal(parts.at(-1), `test "$(find . ! -type d | LC_ALL=C sort | sha256sum)" = '${'f'.repeat(64)}  -'`);
});

test('prod copies, per top-level folder, the deepest folder holding its artifacts; root files one by one', () => {
  const files = ['usr/lib/python3.11/a/x.pyc', 'usr/lib/python3.11/b/y.pyc', 'app/main.py', 'app/pkg/m.py', 'etc/x/__pycache__/s.pyc', 'VERSION']
    .map((path) => ({ path, type: 'file' as const }));
  assert.deepEqual(handoffCopies({ rules: [], strip: [], files, listDigest: '' }), [
    ['VERSION', 'VERSION'], ['app/', 'app/'], ['etc/x/__pycache__/', 'etc/x/__pycache__/'], ['usr/lib/python3.11/', 'usr/lib/python3.11/'],
  ]);
});

test('a cross build is refused: the Dockerfile would run its steps on the target\'s builder', () => {
  const f = facts(withFetch.slice(1));
  const cross = { ...f, plan: { ...f.plan, image: { ...f.plan.image, architecture: 'arm64' }, execution: { mode: 'cross' as const, host: 'amd64', why: 'Go cross-compiles' } } };
  assert.throws(() => renderDockerfile(cross, opts()), (e: Error & { location?: string; hint?: string }) => {
    assert.match(e.message, /arm64 cross-compiles on the amd64 builder here/);
    assert.equal(e.location, 'build.cross');
    assert.match(e.hint ?? '', /build\.cross: false/);
    return true;
  });
});

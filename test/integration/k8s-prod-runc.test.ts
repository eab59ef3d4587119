// airlock k8s end to end: build examples/go-api, write the prod manifests, validate them against the Kubernetes 1.31
// schemas, then run the prod image by the manifest's digest under runc with exactly its security context (uid 65532,
// read-only root, no capabilities, no new privileges, tmpfs emptyDirs) and show it serves its probe path.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { copyExample, runCli, type CliResult } from '../helpers/cli.js';
import { runImage } from '../helpers/oci-runtime.js';
import { applyPodSpec, containerPid, httpGetInside, processFacts } from '../helpers/k8s-runc.js';
import { k8sSchemaErrors } from '../fixtures/k8s/schemas.js';

const EXAMPLE_RUNTIME = 'runtime:\n  ports: ["8080"]\n';
const SERVICE = `tag: "1.0.0"
runtime:
  ports: ["8080"]
  cmd: ["--port", "8080"]
  writable: [/var/cache/go-api]
  healthcheck: {path: /health, initial_delay: 2}
`;

describe('airlock k8s --env prod runs under runc with its own security context', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  const out = mkdtempSync(join(tmpdir(), 'airlock-k8s-out-'));
  const manifests = mkdtempSync(join(tmpdir(), 'airlock-k8s-yaml-'));
  let build: CliResult;
  let k8s: CliResult;
  const docs = new Map<string, any>();
  before(async () => {
    dir = await copyExample('go-api');
    const file = join(dir, 'airlock.yaml');
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes(EXAMPLE_RUNTIME), 'examples/go-api states its runtime as this test expects');
    writeFileSync(file, text.replace(EXAMPLE_RUNTIME, SERVICE));
    build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out, '--no-gates']);
    if (build.code !== 0) return;
    k8s = await runCli(['k8s', '--env', 'prod', '-c', join(dir, 'airlock.yaml'), '--build', out, '--out', manifests]);
    for (const f of readdirSync(join(manifests, 'prod'))) docs.set(f, parse(readFileSync(join(manifests, 'prod', f), 'utf8')));
  });
  after(() => {
    for (const d of [dir, out, manifests]) rmSync(d, { recursive: true, force: true });
  });

  test('the manifests validate and pin the built prod image by digest', () => {
    assert.equal(build.code, 0, build.stderr.slice(-3000));
    assert.equal(k8s.code, 0, k8s.stderr);
    for (const [f, doc] of docs) assert.deepEqual(k8sSchemaErrors(doc), [], f);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const c = docs.get('deployment.yaml').spec.template.spec.containers[0];
    assert.equal(c.image, `go-api:1.0.0@${report.variants.prod.digest}`);
    assert.deepEqual(c.livenessProbe.httpGet, { path: '/health', port: 8080 });
  });

  test('prod serves its probe path as 65532 with a read-only root, no capabilities and no new privileges', async () => {
    const pod = docs.get('deployment.yaml').spec.template.spec;
    const cm = docs.get('configmap.yaml');
    const probe = pod.containers[0].livenessProbe.httpGet;
    let seen: ReturnType<typeof processFacts> | undefined;
    let reply: { status: number; body: string } | undefined;
    const r = await runImage(join(out, 'oci'), '1.0.0-prod', {
      readOnly: false, // the manifest decides (applyPodSpec)
      edit: applyPodSpec(pod, { [cm.metadata.name]: cm.data }),
      whenReady: {
        marker: /listening on 8080/,
        run: async (id) => {
          const pid = containerPid(id);
          seen = processFacts(pid);
          reply = httpGetInside(pid, probe.port, probe.path);
        },
      },
    });
    assert.ok(seen && reply, r.stderr);
    assert.deepEqual(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { go: JSON.parse(reply.body).go, path: '/health', service: 'go-api', uid: 65532 });
    assert.deepEqual(seen.uid, [65532, 65532, 65532, 65532]);
    assert.deepEqual(seen.gid, [65532, 65532, 65532, 65532]);
    assert.equal(seen.capEff, '0000000000000000');
    assert.equal(seen.capBnd, '0000000000000000');
    assert.equal(seen.noNewPrivs, '1');
    assert.equal(seen.mounts.get('/')?.ro, true, 'read-only root');
    assert.equal(seen.mounts.get('/tmp')?.fstype, 'tmpfs');
    assert.equal(seen.mounts.get('/var/cache/go-api')?.fstype, 'tmpfs');
  });
});

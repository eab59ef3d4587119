// airlock k8s, pure part: every object validates against the official Kubernetes 1.31 schemas, prod is locked down
// as seed 002 states, dev is open for debugging, and a prod without a digest or as root is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../config/parse.js';
import { AirlockError } from '../errors.js';
import { k8sSchemaErrors } from '../../test/fixtures/k8s/schemas.js';
import { imageRef } from './image-ref.js';
import { appConfigName, manifestFiles, manifests } from './manifests.js';
import type { K8sObject } from './workload.js';
import { parse } from 'yaml';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const BASE = 'name: shop/api\ntag: "1.4.2"\nbase_language: go\n';
const SERVICE = `${BASE}runtime:
  ports: ["8080", "5353/udp"]
  env: {LOG_LEVEL: info}
  writable: [/var/cache/api, /run/api]
  healthcheck: {path: /health, ready_path: /ready, initial_delay: 8}
kubernetes:
  replicas: 3
  resources: {limits: {memory: 1Gi}}
`;

const load = (text: string) => parseConfig(text, { file: '/p/airlock.yaml', architecture: 'amd64' }).config;
const byKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const podOf = (d: K8sObject) => (d as any).spec.template.spec;

test('every object of dev and prod validates against the Kubernetes 1.31 schemas', () => {
  const config = load(SERVICE);
  for (const env of ['dev', 'prod'] as const) {
    const objs = manifests(config, env, imageRef(config, env, { prodDigest: DIGEST }));
    assert.deepEqual(objs.flatMap(k8sSchemaErrors), [], env);
    const kinds = objs.map((o) => o.kind);
    assert.deepEqual(kinds, env === 'prod' ? ['ConfigMap', 'Deployment', 'Service', 'NetworkPolicy', 'NetworkPolicy'] : ['ConfigMap', 'Deployment', 'Service']);
    const files = manifestFiles(objs).env;
    const kustomization = parse(files.get('kustomization.yaml')!);
    assert.deepEqual(k8sSchemaErrors(kustomization), []);
    assert.deepEqual(kustomization.resources, [...files.keys()].filter((f) => f !== 'kustomization.yaml'));
  }
});

test('the schemas catch what is wrong (a replica count as text, an unknown field)', () => {
  const config = load(SERVICE);
  const d = byKind(manifests(config, 'prod', imageRef(config, 'prod', { prodDigest: DIGEST })), 'Deployment')[0]!;
  const bad = structuredClone(d) as any;
  bad.spec.replicas = 'three';
  bad.spec.template.spec.containers[0].securityContext.readOnlyRoot = true;
  const errors = k8sSchemaErrors(bad);
  assert.ok(errors.some((e) => e.includes('/spec/replicas')), errors.join('\n'));
  assert.ok(errors.some((e) => e.includes('readOnlyRoot')), errors.join('\n'));
});

test('prod: pinned by digest, non-root 65532, read-only root, no privilege escalation, all capabilities dropped', () => {
  const config = load(SERVICE);
  const image = imageRef(config, 'prod', { prodDigest: DIGEST });
  assert.equal(image, `shop/api:1.4.2@${DIGEST}`);
  const objs = manifests(config, 'prod', image);
  const pod = podOf(byKind(objs, 'Deployment')[0]!);
  const c = pod.containers[0];
  assert.equal(c.image, image);
  assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
  assert.deepEqual(c.securityContext, {
    runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
    privileged: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
  });
  assert.deepEqual(c.volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }, { name: 'run-api', mountPath: '/run/api' }, { name: 'var-cache-api', mountPath: '/var/cache/api' }]);
  assert.deepEqual(pod.volumes.map((v: any) => [v.name, v.emptyDir]), [['tmp', {}], ['run-api', {}], ['var-cache-api', {}]]);
  assert.deepEqual(c.livenessProbe, { httpGet: { path: '/health', port: 8080 }, initialDelaySeconds: 8, periodSeconds: 10 });
  assert.deepEqual(c.readinessProbe, { httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 4, periodSeconds: 10 });
  assert.deepEqual(c.resources, { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  assert.equal((byKind(objs, 'Deployment')[0] as any).spec.replicas, 3);
  assert.equal(pod.automountServiceAccountToken, false);
  assert.ok(!c.stdin && !c.tty);
  const [deny, allow] = byKind(objs, 'NetworkPolicy') as any[];
  assert.deepEqual(deny.spec, { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-api-prod' } }, policyTypes: ['Ingress', 'Egress'] });
  assert.deepEqual(allow.spec.ingress, [{ ports: [{ port: 5353, protocol: 'UDP' }, { port: 8080, protocol: 'TCP' }] }]);
  assert.deepEqual((byKind(objs, 'ConfigMap')[0] as any).data, { AIRLOCK_ENV: 'prod', LOG_LEVEL: 'info' });
});

test('prod adds NET_BIND_SERVICE only for a port below 1024, and takes runtime.user', () => {
  const low = load(`${BASE}runtime: {ports: ["80"], user: "10001:10002"}\n`);
  const c = podOf(byKind(manifests(low, 'prod', `x@${DIGEST}`), 'Deployment')[0]!).containers[0];
  assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
  assert.equal(c.securityContext.runAsUser, 10001);
  assert.equal(c.securityContext.runAsGroup, 10002);
  assert.equal(c.livenessProbe, undefined, 'no runtime.healthcheck, no probes');
});

test('dev: the dev image, user 1000, a writable root, the source at /src and the debugger port', () => {
  const config = load(SERVICE);
  const objs = manifests(config, 'dev', imageRef(config, 'dev', {}));
  const pod = podOf(byKind(objs, 'Deployment')[0]!);
  const c = pod.containers[0];
  assert.equal(c.image, 'shop/api:1.4.2-dev');
  assert.equal(pod.securityContext.runAsUser, 1000);
  assert.equal(c.securityContext.readOnlyRootFilesystem, false);
  assert.deepEqual(c.volumeMounts, [{ name: 'source', mountPath: '/src' }]);
  assert.deepEqual(pod.volumes, [{ name: 'source', hostPath: { path: '/p', type: 'Directory' } }]);
  assert.deepEqual(c.ports.map((p: any) => p.containerPort), [5353, 8080, 2345], 'Delve for Go');
  assert.deepEqual((byKind(objs, 'Service')[0] as any).spec.ports.map((p: any) => p.port), [5353, 8080, 2345]);
  assert.equal(byKind(objs, 'NetworkPolicy').length, 0);
  const node = load('name: web\nbase_language: node\nkubernetes: {debug_ports: [9230]}\n');
  assert.deepEqual(podOf(byKind(manifests(node, 'dev', 'web:latest-dev'), 'Deployment')[0]!).containers[0].ports.map((p: any) => p.containerPort), [9230]);
});

test('prod is refused without a digest, with a malformed one, and as root', () => {
  const config = load(SERVICE);
  const code = (f: () => unknown) => { try { f(); return 'none'; } catch (e) { return (e as AirlockError).code; } };
  assert.equal(code(() => imageRef(config, 'prod', {})), 'k8s-no-digest');
  assert.equal(code(() => imageRef(config, 'prod', { image: 'reg/shop:1@sha256:abc' })), 'k8s-bad-digest');
  assert.equal(imageRef(config, 'prod', { image: `reg/shop:1.4.2@${DIGEST}` }), `reg/shop:1.4.2@${DIGEST}`);
  const root = load(`${BASE}runtime: {user: "0"}\n`);
  assert.equal(code(() => manifests(root, 'prod', `x@${DIGEST}`)), 'k8s-root');
  const named = load(`${BASE}runtime: {user: app}\n`);
  assert.equal(code(() => manifests(named, 'prod', `x@${DIGEST}`)), 'k8s-user-not-numeric');
});

test('bad deployment fields are reported with their position', () => {
  const text = `${BASE}runtime:\n  writable: [/, relative]\n  healthcheck: {path: health}\nkubernetes: {replicas: -1}\n`;
  try {
    load(text);
    assert.fail('expected a ConfigError');
  } catch (e) {
    const msg = (e as Error).message + String((e as any).problems?.map((p: any) => `${p.position.line}:${p.path}`));
    assert.match(msg, /runtime\.writable\[1\]/);
    assert.match(msg, /runtime\.healthcheck\.path/);
    assert.match(msg, /kubernetes\.replicas/);
  }
});

test('app config: a ConfigMap mounted read-only at the declared path; --out writes a Kustomize base and overlay', () => {
  const config = load(`${SERVICE}app_config: {base: config/base.yaml, dev: config/dev.yaml, path: /etc/api/config.yaml}\n`);
  assert.deepEqual(config.appConfig, { base: '/p/config/base.yaml', dev: '/p/config/dev.yaml', path: '/etc/api/config.yaml' });
  const app = { path: '/etc/api/config.yaml', base: 'log: info\n', merged: 'log: debug\n' };
  const objs = manifests(config, 'dev', 'shop/api:1.4.2-dev', app);
  assert.deepEqual(objs.flatMap(k8sSchemaErrors), []);
  const map = objs.find((o) => o.metadata.name === appConfigName(config)) as any;
  assert.deepEqual(map.data, { 'config.yaml': 'log: debug\n' });
  const pod = podOf(byKind(objs, 'Deployment')[0]!);
  assert.deepEqual(pod.containers[0].volumeMounts.at(-1), { name: 'app-config', mountPath: '/etc/api/config.yaml', subPath: 'config.yaml', readOnly: true });
  assert.deepEqual(pod.volumes.at(-1), { name: 'app-config', configMap: { name: 'shop-api-app-config' } });
  const files = manifestFiles(objs, { name: appConfigName(config), file: 'config.yaml', base: app.base, merged: app.merged });
  const overlay = parse(files.env.get('kustomization.yaml')!);
  const base = parse(files.base!.get('kustomization.yaml')!);
  assert.deepEqual([k8sSchemaErrors(overlay), k8sSchemaErrors(base)], [[], []]);
  assert.deepEqual(overlay.resources[0], '../base');
  assert.deepEqual(overlay.configMapGenerator, [{ name: 'shop-api-app-config', behavior: 'replace', files: ['config.yaml'] }]);
  assert.deepEqual(base.configMapGenerator, [{ name: 'shop-api-app-config', files: ['config.yaml'] }]);
  assert.equal(files.env.get('config.yaml'), 'log: debug\n');
  assert.equal(files.base!.get('config.yaml'), 'log: info\n');
  assert.ok(!overlay.resources.some((r: string) => r.startsWith('configmap-shop-api-app')), 'the generator makes it, not a resource');
  const bad = { ...overlay, configMapGenerator: [{ name: 'x', behavior: 'sometimes' }] };
  assert.notDeepEqual(k8sSchemaErrors(bad), [], 'the kustomization schema rejects an unknown behavior');
});

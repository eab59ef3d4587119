// The Deployment, Service and NetworkPolicies of one environment, as plain objects (pure).
import type { Config, Language } from '../config/types.js';
import { RESOURCE_DEFAULTS } from '../config/deploy-schema.js';
import { AirlockError } from '../errors.js';
import { dnsLabel, volumeNames } from './names.js';
import * as sec from './security.js';

/** The environments `airlock k8s` writes. */
export type K8sEnv = 'dev' | 'prod';

/** A Kubernetes object (apiVersion, kind, metadata, …). */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
} & Record<string, unknown>;

/** The debugger each language's dev image is usually attached with, by port. */
export const DEBUG_PORTS: Record<Language, number[]> = {
  node: [9229], python: [5678], go: [2345], java: [5005], c: [1234], cpp: [1234], rust: [1234],
};

/** What one environment's objects are made from. */
export interface WorkloadInputs {
  config: Config;
  env: K8sEnv;
  /** The full image reference (prod: pinned by digest). */
  image: string;
  /** Volumes mounted into the container besides those the config implies (e.g. the app config). */
  extraMounts: { name: string; mountPath: string; subPath?: string; readOnly: boolean }[];
  extraVolumes: Record<string, unknown>[];
}

/** The app's base name and its labels in `env`. */
export function identityOf(config: Config, env: K8sEnv): { name: string; labels: Record<string, string> } {
  const app = dnsLabel(config.name.replaceAll('/', '-'), 50);
  const name = `${app}-${env}`;
  const labels = {
    'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'airlock',
    'airlock.dev/environment': env,
  };
  return { name, labels };
}

/** prod's numeric user: runtime.user ("uid[:gid]" or nonroot), 65532:65532 by default; root is refused. */
export function prodIdentity(config: Config): sec.Identity {
  const user = config.runtime.user ?? 'nonroot';
  if (user === 'nonroot') return { uid: 65532, gid: 65532 };
  const m = /^([0-9]+)(?::([0-9]+))?$/.exec(user);
  if (!m) {
    const message = `runtime.user \`${user}\` is a name; Kubernetes checks runAsNonRoot on a numeric uid`;
    throw new AirlockError('usage', 'k8s-user-not-numeric', message, {
      location: config.file, hint: 'write runtime.user as "uid:gid", e.g. "65532:65532"' });
  }
  const uid = Number(m[1]);
  if (uid === 0) {
    throw new AirlockError('usage', 'k8s-root', 'prod runs as root (runtime.user), which runAsNonRoot forbids', {
      location: config.file, hint: 'remove runtime.user (prod then runs as 65532:65532) or give a non-root uid' });
  }
  return { uid, gid: m[2] === undefined ? uid : Number(m[2]) };
}

const portNumber = (p: string) => parseInt(p, 10);
const protocolOf = (p: string) => (p.split('/')[1] ?? 'tcp').toUpperCase();

function containerPorts(config: Config, env: K8sEnv) {
  const app = config.runtime.ports.map((p) => ({
    name: `app-${portNumber(p)}`, containerPort: portNumber(p), protocol: protocolOf(p) }));
  if (env === 'prod') return app;
  const debug = (config.kubernetes?.debug_ports ?? DEBUG_PORTS[config.language])
    .filter((d) => !app.some((a) => a.containerPort === d));
  return [...app, ...debug.map((d) => ({ name: `debug-${d}`, containerPort: d, protocol: 'TCP' }))];
}

function probes(config: Config) {
  const hc = config.runtime.healthcheck;
  if (!hc) return {};
  const port = hc.port ?? portNumber(config.runtime.ports.find((p) => p.endsWith('/tcp'))!);
  const delay = hc.initial_delay ?? 10;
  const period = hc.period ?? 10;
  const probe = (path: string, initialDelaySeconds: number) =>
    ({ httpGet: { path, port }, initialDelaySeconds, periodSeconds: period });
  const readiness = probe(hc.ready_path ?? hc.path, Math.floor(delay / 2));
  return { livenessProbe: probe(hc.path, delay), readinessProbe: readiness };
}

function resources(config: Config, env: K8sEnv) {
  const r = config.kubernetes?.resources;
  const pick = (k: 'requests' | 'limits') => ({
    cpu: String(r?.[k]?.cpu ?? RESOURCE_DEFAULTS[k].cpu),
    memory: String(r?.[k]?.memory ?? RESOURCE_DEFAULTS[k].memory),
  });
  return env === 'prod' ? { requests: pick('requests'), limits: pick('limits') } : { requests: pick('requests') };
}

/** The Deployment of `env`: prod locked down (seed 002); dev with a writable root, the source and debugger ports. */
export function deployment(i: WorkloadInputs, envConfigMap: string): K8sObject {
  const { config, env } = i;
  const { name, labels } = identityOf(config, env);
  const ports = containerPorts(config, env);
  const prod = env === 'prod';
  const id = prod ? prodIdentity(config) : sec.DEV_IDENTITY;
  const writable = prod ? ['/tmp', ...(config.runtime.writable ?? []).filter((p) => p !== '/tmp')] : [];
  const vols = volumeNames(writable);
  const mounts: Record<string, unknown>[] = writable.map((p) => ({ name: vols.get(p)!, mountPath: p }));
  const volumes: Record<string, unknown>[] = writable.map((p) => ({ name: vols.get(p)!, emptyDir: {} }));
  if (!prod) {
    mounts.push({ name: 'source', mountPath: '/src' });
    const source = config.kubernetes?.source_path ?? config.source;
    volumes.push({ name: 'source', hostPath: { path: source, type: 'Directory' } });
  }
  mounts.push(...i.extraMounts);
  volumes.push(...i.extraVolumes);
  const container = {
    name: 'app',
    image: i.image,
    imagePullPolicy: prod ? 'IfNotPresent' : 'Always',
    ...(prod ? {} : { stdin: true, tty: true }),
    ports,
    envFrom: [{ configMapRef: { name: envConfigMap } }],
    ...(prod ? probes(config) : {}),
    resources: resources(config, env),
    securityContext: prod
      ? sec.prodContainerSecurity(id, ports.map((p) => p.containerPort))
      : sec.devContainerSecurity(),
    volumeMounts: mounts,
  };
  const podSpec = {
    ...(prod ? { automountServiceAccountToken: false } : {}),
    securityContext: prod ? sec.prodPodSecurity(id) : sec.devPodSecurity(),
    containers: [container],
    volumes,
  };
  const selector = { 'app.kubernetes.io/instance': name };
  const replicas = prod ? config.kubernetes?.replicas ?? 2 : 1;
  const spec = { replicas, selector: { matchLabels: selector }, template: { metadata: { labels }, spec: podSpec } };
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels }, spec };
}

/** The Service in front of the container's ports (undefined when it has none). */
export function service(config: Config, env: K8sEnv): K8sObject | undefined {
  const { name, labels } = identityOf(config, env);
  const ports = containerPorts(config, env);
  if (ports.length === 0) return undefined;
  const servicePorts = ports.map((p) =>
    ({ name: p.name, port: p.containerPort, targetPort: p.containerPort, protocol: p.protocol }));
  const spec = { type: 'ClusterIP', selector: { 'app.kubernetes.io/instance': name }, ports: servicePorts };
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec };
}

/** prod's NetworkPolicies: deny all traffic of the app's pods, then allow ingress to its declared ports only. */
export function networkPolicies(config: Config): K8sObject[] {
  const { name, labels } = identityOf(config, 'prod');
  const podSelector = { matchLabels: { 'app.kubernetes.io/instance': name } };
  const policy = (suffix: string, spec: Record<string, unknown>): K8sObject =>
    ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `${name}-${suffix}`, labels },
      spec });
  const deny = policy('default-deny', { podSelector, policyTypes: ['Ingress', 'Egress'] });
  const ports = config.runtime.ports.map((p) => ({ port: portNumber(p), protocol: protocolOf(p) }));
  if (ports.length === 0) return [deny];
  const allow = policy('allow-ports', { podSelector, policyTypes: ['Ingress'], ingress: [{ ports }] });
  return [deny, allow];
}

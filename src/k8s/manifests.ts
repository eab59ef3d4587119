// All objects of one environment, and the files `airlock k8s --out` writes (a kustomization listing them).
import { stringify } from 'yaml';
import { posix } from 'node:path';
import type { Config } from '../config/types.js';
import { deployment, identityOf, networkPolicies, service, type K8sEnv, type K8sObject } from './workload.js';

/** No anchors: each object is written out in full, as kubectl and kustomize expect. */
const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/** The application config of `app_config`: the base and this environment's merge (the texts of its files). */
export interface AppConfigText { path: string; base: string; merged: string }

/** The ConfigMap holding the app config (one key, the file's name) and how the Deployment mounts it. */
export function appConfigMap(config: Config, app: AppConfigText, text: string): K8sObject {
  const { labels } = identityOf(config, 'prod');
  const { 'airlock.dev/environment': _env, 'app.kubernetes.io/instance': _i, ...shared } = labels;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: appConfigName(config), labels: shared }, data: { [posix.basename(app.path)]: text } };
}

/** The app config's ConfigMap name: one per app, the same in every environment (Kustomize overlays replace it). */
export function appConfigName(config: Config): string {
  return `${identityOf(config, 'dev').labels['app.kubernetes.io/name']}-app-config`;
}

/** The objects of `env` in apply order: ConfigMaps, Deployment, Service, NetworkPolicies (prod). */
export function manifests(config: Config, env: K8sEnv, image: string, app?: AppConfigText): K8sObject[] {
  const { name, labels } = identityOf(config, env);
  const data = { ...config.runtime.env, AIRLOCK_ENV: env };
  const envMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-env`, labels }, data };
  const file = app ? posix.basename(app.path) : '';
  const mounts = app ? [{ name: 'app-config', mountPath: app.path, subPath: file, readOnly: true }] : [];
  const volumes = app ? [{ name: 'app-config', configMap: { name: appConfigName(config) } }] : [];
  const workload = deployment({ config, env, image, extraMounts: mounts, extraVolumes: volumes }, envMap.metadata.name);
  const objects: K8sObject[] = [envMap, ...(app ? [appConfigMap(config, app, app.merged)] : []), workload];
  const svc = service(config, env);
  if (svc) objects.push(svc);
  if (env === 'prod') objects.push(...networkPolicies(config));
  return objects;
}

/** One YAML document per object, in order (the stdout form). */
export function toYaml(objects: K8sObject[]): string {
  return objects.map((o) => stringify(o, YAML_OPTIONS)).join('---\n');
}

/** The file name of an object: its kind in lowercase and, when a kind repeats, its name. */
function fileName(o: K8sObject, repeated: boolean): string {
  return `${o.kind.toLowerCase()}${repeated ? `-${o.metadata.name}` : ''}.yaml`;
}

const KUSTOMIZATION = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

/**
 * The files of `--out DIR/ENV`: one per object and a kustomization.yaml listing them. With an app config, its
 * ConfigMap comes from a Kustomize base (`DIR/base`: the base file) that this overlay replaces with its merge.
 */
export function manifestFiles(objects: K8sObject[], app?: { name: string; file: string; base: string; merged: string }): {
  env: Map<string, string>; base?: Map<string, string>;
} {
  const own = app ? objects.filter((o) => !(o.kind === 'ConfigMap' && o.metadata.name === app.name)) : objects;
  const count = new Map<string, number>();
  for (const o of own) count.set(o.kind, (count.get(o.kind) ?? 0) + 1);
  const env = new Map<string, string>();
  for (const o of own) env.set(fileName(o, count.get(o.kind)! > 1), stringify(o, YAML_OPTIONS));
  const resources = [...env.keys()];
  if (!app) {
    env.set('kustomization.yaml', stringify({ ...KUSTOMIZATION, resources }, YAML_OPTIONS));
    return { env };
  }
  const generator = (extra: Record<string, string>) => [{ name: app.name, ...extra, files: [app.file] }];
  env.set(app.file, app.merged);
  const overlay = { ...KUSTOMIZATION, resources: ['../base', ...resources], configMapGenerator: generator({ behavior: 'replace' }) };
  env.set('kustomization.yaml', stringify(overlay, YAML_OPTIONS));
  const baseKustomization = { ...KUSTOMIZATION, generatorOptions: { disableNameSuffixHash: true }, configMapGenerator: generator({}) };
  const base = new Map([[app.file, app.base], ['kustomization.yaml', stringify(baseKustomization, YAML_OPTIONS)]]);
  return { env, base };
}

// All objects of one environment, and the files `airlock k8s --out` writes (a kustomization listing them).
import { stringify } from 'yaml';
import type { Config } from '../config/types.js';
import { deployment, identityOf, networkPolicies, service, type K8sEnv, type K8sObject } from './workload.js';

/** No anchors: each object is written out in full, as kubectl and kustomize expect. */
const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/** The objects of `env` in apply order: ConfigMaps, Deployment, Service, NetworkPolicies (prod). */
export function manifests(config: Config, env: K8sEnv, image: string): K8sObject[] {
  const { name, labels } = identityOf(config, env);
  const data = { ...config.runtime.env, AIRLOCK_ENV: env };
  const envMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-env`, labels }, data };
  const workload = deployment({ config, env, image, extraMounts: [], extraVolumes: [] }, envMap.metadata.name);
  const objects: K8sObject[] = [envMap, workload];
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

/** The files of `--out DIR/ENV`: one per object and a kustomization.yaml listing them. */
export function manifestFiles(objects: K8sObject[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const o of objects) count.set(o.kind, (count.get(o.kind) ?? 0) + 1);
  const files = new Map<string, string>();
  for (const o of objects) files.set(fileName(o, count.get(o.kind)! > 1), stringify(o, YAML_OPTIONS));
  const resources = [...files.keys()];
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources };
  files.set('kustomization.yaml', stringify(kustomization, YAML_OPTIONS));
  return files;
}

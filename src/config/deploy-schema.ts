// Deployment fields of the written config: health checks, writable paths and the `kubernetes` section (airlock k8s).
import { z } from 'zod';

const seconds = (what: string, dflt: number) =>
  z.number().int().min(0).max(3600).optional().describe(`Optional. ${what} Default: ${dflt}.`);
const HTTP_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*(\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$/;
const httpPath = z.string().regex(HTTP_PATH, { error: 'expected an HTTP path starting with /, e.g. /health' });

/** `runtime.healthcheck`: the liveness and readiness probes of `airlock k8s`. */
export const Healthcheck = z.strictObject({
  path: httpPath.describe('Required. HTTP path the liveness probe GETs (and the readiness probe, unless `ready_path` '
    + 'is given). Example: /health'),
  ready_path: httpPath.optional()
    .describe('Optional. HTTP path of the readiness probe. Default: `path`. Example: /ready'),
  port: z.number().int().min(1).max(65535).optional().describe(
    'Optional. Port the probes connect to. Default: the first TCP port of `runtime.ports`.'),
  initial_delay: seconds('Seconds before the first liveness probe (readiness starts at half of it).', 10),
  period: seconds('Seconds between probes.', 10),
}).describe('Optional. How Kubernetes checks that prod is alive and ready (HTTP GET probes; prod has no shell for '
  + 'exec probes).');

/** `runtime.writable`: paths prod may write below its read-only root. */
const absolute = z.string().regex(/^\/[^\0]*$/, { error: 'expected an absolute path such as /var/cache/app' });
export const Writable = z.array(absolute)
  .describe('Optional. Absolute folders prod writes to; `airlock k8s` mounts an emptyDir on each (and on /tmp, '
    + 'always), since the root file system is read-only. Example: [/var/cache/app, /run/app]');

const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;
const quantityText = z.string().regex(QUANTITY, { error: 'expected a Kubernetes quantity such as 500m, 1, 256Mi' });
const quantity = z.union([quantityText, z.number().nonnegative()]);
const resourceSet = (what: string, cpu: string, memory: string) => z.strictObject({
  cpu: quantity.optional().describe(`Optional. CPU ${what}: cores or millicores. Default: ${cpu}.`),
  memory: quantity.optional().describe(`Optional. Memory ${what}: bytes with a unit. Default: ${memory}.`),
}).describe(`Optional. Resource ${what} of the container.`);

/** The defaults of `kubernetes.resources`, as seed 002 states them. */
export const RESOURCE_DEFAULTS = { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } };

/** `kubernetes`: what `airlock k8s` writes besides the image and the runtime settings. */
export const Kubernetes = z.strictObject({
  replicas: z.number().int().min(0).max(1000).optional()
    .describe('Optional. Replicas of prod (dev always runs 1). Default: 2.'),
  resources: z.strictObject({
    requests: resourceSet('requests', RESOURCE_DEFAULTS.requests.cpu, RESOURCE_DEFAULTS.requests.memory).optional(),
    limits: resourceSet('limits', RESOURCE_DEFAULTS.limits.cpu, RESOURCE_DEFAULTS.limits.memory).optional(),
  }).optional()
    .describe('Optional. Requests and limits of the prod container (dev gets the same requests and no limits).'),
  debug_ports: z.array(z.number().int().min(1).max(65535)).optional().describe(
    'Optional. Debugger ports dev exposes. Default: the language\'s debugger (node 9229, python 5678 for debugpy, '
    + 'go 2345 for Delve, java 5005 for JDWP, c/cpp/rust 1234 for gdbserver).'),
  source_path: z.string().optional().describe('Optional. Host folder dev mounts at /src (a hostPath volume: the '
    + 'developer\'s work tree on a single-node cluster). Default: the config\'s `source` folder.'),
}).describe('Optional. Settings of the manifests `airlock k8s --env dev|prod` writes.');

/** The languages whose coverage a build can measure (src/coverage has their tools). */
export const COVERAGE_LANGUAGES = ['go', 'python', 'c', 'cpp', 'node'] as const;

/** `build.coverage`: the minimum test coverage of a build. */
export const Coverage = z.strictObject({
  min: z.number().min(0).max(100).describe('Required. Minimum total coverage in percent; below it the build fails '
    + '(exit 6). Example: 80'),
}).describe('Optional. Measure test coverage while build.test runs (Go: go test -coverprofile and go tool cover; '
  + 'Python: python3-coverage around unittest or pytest; C and C++: the tests run in a rebuild of the pristine '
  + 'source with --coverage, then gcovr; Node.js: c8 from the npm registry around npm test or node --test; the '
  + 'tests themselves left out); the figure goes into '
  + 'report.json and the provenance. Default: not measured.');

/** `kubernetes` as written. */
export type WrittenKubernetes = z.infer<typeof Kubernetes>;
/** `runtime.healthcheck` as written. */
export type WrittenHealthcheck = z.infer<typeof Healthcheck>;

/** `app_config`: one application config with dev and prod overlays, merged by airlock (src/overlays). */
export const AppConfig = z.strictObject({
  base: z.string().min(1).describe('Required. The base application config (YAML or JSON), relative to the config file. '
    + 'Example: config/base.yaml'),
  dev: z.string().min(1).optional().describe('Optional. The development overlay merged over the base for dev. '
    + 'Example: config/dev.yaml'),
  prod: z.string().min(1).optional().describe('Optional. The production overlay merged over the base for prod (and '
    + 'test). Example: config/prod.yaml'),
  path: z.string().regex(/^\/[^\0]*[^/]$/, { error: 'expected an absolute file path such as /etc/app/config.yaml' })
    .describe('Required. Where the merged file is written in dev, prod and test (YAML, or JSON when it ends in .json), '
      + 'and where `airlock k8s` mounts it. Example: /etc/app/config.yaml'),
}).describe('Optional. Environment overlays: maps are merged key by key (recursively), everything else (lists, '
  + 'scalars, null) in the overlay replaces the base value; key order is the base\'s, then the overlay\'s new keys. '
  + 'A prod gate fails when the development overlay is found in prod. Default: none.');

// Renders a BuildPlan as a multi-stage Dockerfile: builder → fetch → build → tested → handoff, dev and test
// from the builder stages, prod last, FROM the runtime base with only the artifacts copied in. Pure.
import { AirlockError } from '../errors.js';
import { BUILD_NOTES_DIR } from '../variants/artifacts.js';
import { COVERAGE_PRISTINE, SANDBOX_OUT, SANDBOX_SRC, type BuildPlan, type PlannedStep } from '../pipeline/plan.js';
import type { ExportFacts } from './collect.js';
import { handoffCopies, stagingCommand, STAGING_DIR } from './staging.js';

/** Which Dockerfile frontend the text is for: a current one, or the one built into Docker 20.10 (dockerfile 1.2). */
export type Frontend = 'current' | 'docker-20.10';

export interface RenderOptions {
  frontend: Frontend;
  /** Repository prefix of the bases (`HOST[:PORT][/PATH]`), the default of the AIRLOCK_BASES build argument. */
  basesPrefix: string;
  /** Base repositories, each pinned by digest. */
  bases: { builder: BaseRef; runtime: BaseRef };
}

export interface BaseRef { repo: string; digest: string }

/**
 * A build secret a step gets: a file at /run/secrets/ID (BuildKit's default target too), and an environment variable
 * when `env` names one. A plan that carries secrets names them per step, or once for every step.
 */
export interface StepSecret { id: string; env?: string }

type RenderedStep = PlannedStep & { secrets?: StepSecret[] };
type PlanWithSecrets = BuildPlan & { secrets?: StepSecret[] };

const envValue = (v: string) => JSON.stringify(v).replace(/\$/g, '\\$');
const json = (v: unknown) => JSON.stringify(v);
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The flag of RUNs without network, where the frontend has it (Docker 20.10 builds with --network=none instead). */
const noNetwork = (opts: RenderOptions) => (opts.frontend === 'current' ? '--network=none ' : '');

function mounts(step: RenderedStep, secrets: StepSecret[]): string[] {
  const caches = step.caches.map((c) => `--mount=type=cache,id=${c.name},target=${c.path}`);
  // A measuring rebuild reads the source as the build context holds it (airlock's pristine tree), read-only.
  const pristine = step.pristine ? [`--mount=type=bind,source=.,target=${COVERAGE_PRISTINE}`] : [];
  return [...caches, ...pristine, ...secrets.map((s) => `--mount=type=secret,id=${s.id}`)];
}

function run(step: RenderedStep, plan: PlanWithSecrets, opts: RenderOptions): string[] {
  const network = step.network || opts.frontend === 'docker-20.10' ? [] : ['--network=none'];
  const secrets = step.secrets ?? plan.secrets ?? [];
  // A secret asked for as a variable is read from its file (every frontend mounts files; env= is dockerfile 1.10+).
  const exports = secrets.filter((s) => s.env).map((s) => `export ${s.env}="$(cat ${q(`/run/secrets/${s.id}`)})"\n`);
  // Exec form: the step runs as airlock runs it (`sh -ec`), whatever lines and quotes its command holds.
  const exec = json(['/bin/sh', '-ec', `${exports.join('')}${step.command}`]);
  return [`# ${step.id}`, `RUN ${[...network, ...mounts(step, secrets), exec].join(' ')}`];
}

/** Refuses what the plan alone shows the frontend cannot build (checked before any step runs). */
export function checkPlanExportable(plan: BuildPlan, frontend: Frontend): void {
  // The Dockerfile runs every step on the target's builder image: a cross build's steps need the host's builder.
  if (plan.execution.mode === 'cross') {
    const arch = plan.image.architecture;
    throw new AirlockError('usage', 'export-unsupported', `${arch} cross-compiles on the ${plan.execution.host} builder here, and the Dockerfile runs every step on the ${arch} builder`, {
      location: 'build.cross',
      hint: `set build.cross: false (the steps then run on the ${arch} builder, under emulation where the engine is not ${arch}), or export on an ${arch} machine`,
    });
  }
  const fetch = plan.steps.find((s) => s.network);
  if (frontend === 'docker-20.10' && fetch) {
    const why = "Docker 20.10's built-in Dockerfile frontend cannot give one step the network "
      + 'while the others run without it';
    throw new AirlockError('usage', 'export-unsupported', `${fetch.id} needs the network, and ${why}`, {
      location: fetch.id,
      hint: 'export with --frontend current and build with BuildKit 0.9 or later (buildx, docker 23+)',
    });
  }
}

/** Refuses what the build showed cannot be copied by COPY. */
function checkHandoffExportable(facts: ExportFacts): void {
  const rootLink = facts.handoff.files.find((f) => f.type === 'symlink' && !f.path.includes('/'));
  if (rootLink) {
    const what = `artifact /${rootLink.path} is a symlink at the image root`;
    throw new AirlockError('usage', 'export-unsupported', `${what}, which COPY would follow instead of copying`, {
      location: 'artifacts', hint: 'put the link in a folder (COPY copies folders with their links)',
    });
  }
}

function header(facts: ExportFacts, opts: RenderOptions): string[] {
  const { plan } = facts;
  const how = opts.frontend === 'docker-20.10'
    ? [
      '# For the Dockerfile frontend built into Docker 20.10: build with `docker build --network=none`, which gives',
      '# every RUN no network (this frontend has no RUN --network).',
    ]
    : ['# Build and test steps run with --network=none; fetch steps are the only ones with the network.'];
  return [
    `# ${plan.image.name}:${plan.image.tag}, exported by airlock ${plan.airlock} from its build plan.`,
    '# Re-run airlock export to change it.',
    ...how,
    `# Targets: dev, test, prod (the last stage). The bases are images airlock made, pinned by digest (see BASES.md).`,
    `ARG AIRLOCK_BASES=${opts.basesPrefix}`,
    `ARG SOURCE_DATE_EPOCH=${plan.epoch.seconds}`,
  ];
}

function builderStage(facts: ExportFacts, opts: RenderOptions): string[] {
  const env = Object.entries({ ...facts.stepEnv, SOURCE_DATE_EPOCH: '${SOURCE_DATE_EPOCH}' })
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const b = opts.bases.builder;
  return [
    `FROM \${AIRLOCK_BASES}/${b.repo}@${b.digest} AS builder`,
    'ARG SOURCE_DATE_EPOCH',
    ...env.map(([k, v]) => `ENV ${k}=${k === 'SOURCE_DATE_EPOCH' ? v : envValue(v)}`),
    `WORKDIR ${SANDBOX_SRC}`,
    `RUN ${noNetwork(opts)}mkdir -p ${SANDBOX_OUT} ${facts.stepEnv.HOME ?? '/tmp/home'}`,
  ];
}

function fetchStage(facts: ExportFacts, opts: RenderOptions): string[] {
  const fetch = facts.plan.steps.filter((s) => s.phase === 'fetch');
  if (!fetch.length) return [];
  const sealed = fetch.every((s) => s.inputs === 'manifests');
  const copies = sealed
    ? facts.manifests.map((m) => `COPY ${m} ./${m}`)
    : ['COPY . ./'];
  return ['', 'FROM builder AS fetch', ...copies, ...fetch.flatMap((s) => run(s, facts.plan, opts))];
}

function buildStages(facts: ExportFacts, opts: RenderOptions): string[] {
  const steps = (phase: PlannedStep['phase']) =>
    facts.plan.steps.filter((s) => s.phase === phase).flatMap((s) => run(s, facts.plan, opts));
  const hasFetch = facts.plan.steps.some((s) => s.phase === 'fetch');
  const tests = steps('test');
  return [
    '', `FROM ${hasFetch ? 'fetch' : 'builder'} AS build`, 'COPY . ./', ...steps('build'),
    '', 'FROM build AS tested', ...(tests.length ? tests : ['# no test steps']),
    '', '# The handoff: exactly the artifact list staged (and stripped) for prod.',
    'FROM tested AS handoff', `RUN ${noNetwork(opts)}${stagingCommand(facts.handoff)}`,
  ];
}

function devAndTest(facts: ExportFacts, opts: RenderOptions): string[] {
  const noNet = noNetwork(opts);
  const devUser = [
    `{ grep -q '^dev:' /etc/passwd || echo 'dev:x:1000:1000:airlock dev user:/home/dev:/bin/bash' >> /etc/passwd; }`,
    `{ grep -q '^dev:' /etc/group || echo 'dev:x:1000:' >> /etc/group; }`,
    'mkdir -p /home/dev', 'chown 1000:1000 /home/dev /src', `rm -rf /${BUILD_NOTES_DIR}`,
  ].join(' && ');
  return [
    '', '# dev: the builder, the source at /src, the installed tree, the dev user.',
    'FROM builder AS dev', 'COPY . ./', `COPY --from=build ${SANDBOX_OUT}/ /`, `RUN ${noNet}${devUser}`,
    'ENV HOME=/home/dev', 'USER 1000:1000', 'CMD ["/bin/bash"]',
    '', '# test: the built and tested work tree at /src and the installed tree; it runs the test steps again.',
    'FROM tested AS test', `RUN ${noNet}cp -a ${SANDBOX_OUT}/. / && rm -rf /${BUILD_NOTES_DIR}`, 'ENV HOME=/root', 'USER 0:0',
    `ENTRYPOINT ${json(['/bin/sh', '-ec', `cd ${SANDBOX_SRC} && ${facts.testCommand}`])}`,
  ];
}

function prodStage(facts: ExportFacts, opts: RenderOptions): string[] {
  const c = facts.prodConfig as {
    User?: string; Env?: string[]; Entrypoint?: string[]; Cmd?: string[]; WorkingDir?: string;
    Labels?: Record<string, string>; ExposedPorts?: Record<string, unknown>;
  };
  const r = opts.bases.runtime;
  const env = (c.Env ?? []).map((e) => {
    const i = e.indexOf('=');
    return `ENV ${e.slice(0, i)}=${envValue(e.slice(i + 1))}`;
  });
  const labels = Object.entries(c.Labels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `LABEL ${json(k)}=${envValue(v)}`);
  return [
    '', `# prod: the runtime base (packages, passwd/group, CA bundle) and ${facts.handoff.files.length} artifact(s).`,
    `FROM \${AIRLOCK_BASES}/${r.repo}@${r.digest} AS prod`,
    ...handoffCopies(facts.handoff).map(([from, to]) => `COPY --from=handoff ${STAGING_DIR}/${from} /${to}`),
    ...env, ...labels,
    ...Object.keys(c.ExposedPorts ?? {}).sort().map((p) => `EXPOSE ${p}`),
    `WORKDIR ${c.WorkingDir ?? '/'}`,
    `USER ${c.User ?? '65532:65532'}`,
    ...(c.Entrypoint ? [`ENTRYPOINT ${json(c.Entrypoint)}`] : []),
    ...(c.Cmd ? [`CMD ${json(c.Cmd)}`] : []),
  ];
}

/** The Dockerfile of one config. */
export function renderDockerfile(facts: ExportFacts, opts: RenderOptions): string {
  checkPlanExportable(facts.plan, opts.frontend);
  checkHandoffExportable(facts);
  const lines = [
    ...header(facts, opts), '', ...builderStage(facts, opts), ...fetchStage(facts, opts), ...buildStages(facts, opts),
    ...devAndTest(facts, opts), ...prodStage(facts, opts),
  ];
  return `${lines.join('\n')}\n`;
}

/** The .dockerignore beside the Dockerfile (`<Dockerfile>.dockerignore`): the build context airlock uses. */
export function renderDockerignore(facts: ExportFacts): string {
  return `${facts.dockerignore.join('\n')}\n`;
}

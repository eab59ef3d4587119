// The human view of a build plan: the stages in order, and for each step what it runs and what it sees.
import type { BuildPlan, PlannedStep } from './plan.js';
import type { IcuSettings } from '../config/types.js';

const SEES: Record<PlannedStep['inputs'], string> = {
  manifests: 'the dependency manifests only (package.json + lock, go.mod/go.sum, Cargo.*, requirements.txt, pom.xml, vendor/, wheels/)',
  source: 'the whole build context and what earlier steps made',
};

function stepLines(s: PlannedStep): string[] {
  return [
    `  ${s.id}  ${s.command}`,
    `      sees: ${SEES[s.inputs]}`,
    `      network: ${s.network ? "yes (the host's registry settings, not part of the cache key)" : 'none'}`,
    ...(s.caches.length ? [`      caches: ${s.caches.map((c) => `${c.path} (${c.name})`).join(', ')}`] : []),
  ];
}

function artifactLines(plan: BuildPlan): string[] {
  const a = plan.handoff.artifacts;
  if (!a) return ['  artifacts: everything installed under $AIRLOCK_OUT except headers, static libraries, pkg-config/CMake files and docs'];
  return a.map((x) => `  artifact: ${x.fromRoot === 'out' ? '$AIRLOCK_OUT' : '/src'}/${x.from} -> ${x.to}${x.exclude ? ` (without ${x.exclude.join(', ')})` : ''}`);
}

function icuText(icu: IcuSettings): string {
  const languages = icu.languages ? `languages ${icu.languages.join(', ')}` : 'all languages';
  return `${languages}, legacy charset converters ${icu.converters ? 'kept' : 'removed'}`;
}

function executionLines(plan: BuildPlan): string[] {
  const e = plan.execution;
  if (e.mode === 'native') return [];
  if (e.mode === 'emulated') return [`  emulated: on this ${e.host} host, under qemu-user (${e.why})`];
  const b = e.builder!;
  return [`  cross: on the ${b.architecture} builder (${b.packages.length} packages, key ${b.rootfsKey}): ${e.why}`];
}

/** Renders the plan for people; `airlock plan --json` prints the plan itself. */
export function renderPlan(plan: BuildPlan): string {
  const b = plan.builder;
  const tc = b.toolchain;
  const prod = plan.variants.prod;
  const lines = [
    `plan for ${plan.image.name}:${plan.image.tag} (${plan.image.architecture}), airlock ${plan.airlock}`,
    `epoch ${plan.epoch.seconds} (from ${plan.epoch.from})`,
    '',
    `1. builder root file system  ${b.packages.length} Debian packages from ${b.suite}, key ${b.rootfsKey}`,
    `  toolchain: ${tc.language} ${tc.version ?? '(suite default)'}${tc.upstream.length ? `, from the npm registry: ${tc.upstream.join(', ')}` : ''}`,
    `  hardening: ${b.hardening}`,
    '',
    '2. steps (sandboxed; each cached by the builder, the step before it, its command and environment, and what it sees)',
    ...executionLines(plan),
    ...plan.steps.flatMap(stepLines),
    '',
    '3. handoff (what crosses the airlock into prod)',
    ...artifactLines(plan),
    `  entrypoint: ${plan.handoff.entrypoint ? plan.handoff.entrypoint.join(' ') : 'the single executable installed under bin/ or sbin/'}`,
    `  strip: ${plan.handoff.strip ? 'yes' : 'no'}`,
    `  runtime packages: ${plan.runtime.length ? plan.runtime.join(', ') : 'none declared'} + the owners of the artifacts' shared libraries`,
    '',
    '4. variants',
    `  dev:  the builder, user ${String(plan.variants.dev.user)}, the source at /src, the installed tree`,
    `  prod: ${(prod.layers as string[]).join(' + ')}; user ${String(prod.user)}, workdir ${String(prod.workdir)}`,
    ...(prod.icu ? [`        ICU data trimmed: ${icuText(prod.icu as IcuSettings)} (variants.prod.icu)`] : []),
    `  test: the builder, the built work tree at /src; runs ${plan.steps.filter((s) => s.phase === 'test').length} test step(s)`,
  ];
  return `${lines.join('\n')}\n`;
}

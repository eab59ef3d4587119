// BASES.md: which base images an export builds FROM, and how to put them where a builder can pull them. Pure.
import type { BaseRef } from './dockerfile.js';

export interface GuideService { name: string; dir: string; bases: { builder: BaseRef; runtime: BaseRef } }

/** The guide written beside the export. */
export function renderBasesGuide(services: GuideService[], prefix: string, pushed: boolean): string {
  const all = services.flatMap((s) => [s.bases.builder, s.bases.runtime]);
  const rows = all.map((b) => `| \`${b.repo}\` | \`${b.digest}\` |`);
  const copies = all
    .map((b) => `airlock copy oci:bases:${b.repo} docker://REGISTRY/${b.repo}:${b.digest.slice(7, 19)}`);
  const dockerfile = (s: GuideService) => (s.dir ? `${s.dir}/Dockerfile` : 'Dockerfile');
  return [
    '# The bases of this export', '',
    'Each Dockerfile builds FROM two images airlock made, named by digest: the builder (the locked Debian',
    "builder packages, and a registry toolchain when there is one) and prod's runtime base (the runtime packages,",
    'passwd/group, the CA bundle). Nothing is pulled from anywhere else.', '',
    '| repository | digest |', '|---|---|', ...rows, '',
    ...(pushed
      ? [`They were pushed to \`${prefix}\`, the default of the \`AIRLOCK_BASES\` build argument.`, '']
      : [
        'They are in `bases/`, an OCI layout (one tag per repository).',
        `The \`AIRLOCK_BASES\` build argument defaults to \`${prefix}\`.`,
        '', 'To push them to a registry your builders reach (the copy keeps each digest):', '',
        '```sh', ...copies, '```', '',
      ]),
    '(`skopeo copy oci:bases:REPO docker://REGISTRY/REPO:TAG` keeps them too.) Then build, for example:', '',
    '```sh',
    ...services.map((s) => `docker buildx build -f ${dockerfile(s)} --target prod \\
  --build-arg AIRLOCK_BASES=REGISTRY CONTEXT`),
    '```', '',
    '`docker load` cannot stand in for a registry: a loaded image has no digest to be named by, so run a',
    'registry on the building machine (the default `localhost:5000`) or name yours with',
    '`--build-arg AIRLOCK_BASES=…`.', '',
  ].join('\n');
}

// Renders docker-bake.hcl: targets dev, prod and test per service, a group per service and a default group. Pure.

/** One exported service as the bake file names it. */
export interface BakeService {
  name: string;
  tag: string;
  /** The build context, relative to the bake file's folder. */
  context: string;
  /** The Dockerfile, relative to the context (bake resolves it from there). */
  dockerfile: string;
  epoch: number;
}

const VARIANTS = ['dev', 'prod', 'test'] as const;
const str = (s: string) => JSON.stringify(s).replace(/\$\{/g, '$$$${'); // HCL: $${ is a literal ${

function target(id: string, s: BakeService, variant: (typeof VARIANTS)[number]): string[] {
  return [
    `target ${str(id)} {`,
    `  context    = ${str(s.context)}`,
    `  dockerfile = ${str(s.dockerfile)}`,
    `  target     = ${str(variant)}`,
    `  tags       = [${str(`${s.name}:${s.tag}-${variant}`)}]`,
    `  args       = { SOURCE_DATE_EPOCH = ${str(String(s.epoch))} }`,
    '}',
  ];
}

/** One service: targets dev, prod, test and the default group. Several: `<service>-<variant>`, a group each. */
export function renderBake(services: BakeService[]): string {
  const one = services.length === 1;
  const blocks: string[][] = [];
  const groups: string[] = [];
  for (const s of services) {
    const ids = VARIANTS.map((v) => (one ? v : `${s.name}-${v}`));
    if (!one) blocks.push([`group ${str(s.name)} {`, `  targets = [${ids.map(str).join(', ')}]`, '}']);
    VARIANTS.forEach((v, i) => blocks.push(target(ids[i]!, s, v)));
    groups.push(...(one ? ids : [s.name]));
  }
  const head = [
    '# Exported by airlock: `docker buildx bake` builds every target of the default group.',
    `group "default" {`, `  targets = [${groups.map(str).join(', ')}]`, '}',
  ];
  return `${[head, ...blocks].map((b) => b.join('\n')).join('\n\n')}\n`;
}

// docker-bake.hcl: targets dev, prod and test per service, a group per service and a default group. The file is made
// as bake's JSON form (a value the tests check against the bake schema), then written in HCL. Pure.

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

export interface BakeTarget {
  context: string;
  dockerfile: string;
  target: string;
  tags: string[];
  args: Record<string, string>;
}

/** Bake's JSON form: groups (default first) and targets, in the order they are written. */
export interface BakeDocument { group: Record<string, { targets: string[] }>; target: Record<string, BakeTarget> }

const VARIANTS = ['dev', 'prod', 'test'] as const;

/** One service: targets dev, prod, test and the default group. Several: `<service>-<variant>`, a group each. */
export function bakeDocument(services: BakeService[]): BakeDocument {
  const one = services.length === 1;
  const doc: BakeDocument = { group: { default: { targets: [] } }, target: {} };
  for (const s of services) {
    const ids = VARIANTS.map((v) => (one ? v : `${s.name}-${v}`));
    if (!one) doc.group[s.name] = { targets: ids };
    doc.group.default!.targets.push(...(one ? ids : [s.name]));
    VARIANTS.forEach((v, i) => {
      doc.target[ids[i]!] = {
        context: s.context, dockerfile: s.dockerfile, target: v, tags: [`${s.name}:${s.tag}-${v}`],
        args: { SOURCE_DATE_EPOCH: String(s.epoch) },
      };
    });
  }
  return doc;
}

const str = (s: string) => JSON.stringify(s).replace(/\$\{/g, '$$$${'); // HCL: $${ is a literal ${

function value(v: string | string[] | Record<string, string>): string {
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return `[${v.map(str).join(', ')}]`;
  return `{ ${Object.entries(v).map(([k, x]) => `${k} = ${str(x)}`).join(', ')} }`;
}

function block(kind: string, name: string, attrs: Record<string, string | string[] | Record<string, string>>): string {
  const width = Math.max(...Object.keys(attrs).map((k) => k.length));
  const lines = Object.entries(attrs).map(([k, v]) => `  ${k.padEnd(width)} = ${value(v)}`);
  return [`${kind} ${str(name)} {`, ...lines, '}'].join('\n');
}

/** The bake document in HCL. */
export function renderBakeHcl(doc: BakeDocument): string {
  const head = '# Exported by airlock: `docker buildx bake` builds every target of the default group.';
  const groups = Object.entries(doc.group).map(([name, g]) => block('group', name, { ...g }));
  const targets = Object.entries(doc.target).map(([name, t]) => block('target', name, { ...t }));
  return `${head}\n${[...groups, ...targets].join('\n\n')}\n`;
}

/** docker-bake.hcl for these services. */
export function renderBake(services: BakeService[]): string {
  return renderBakeHcl(bakeDocument(services));
}

// `airlock export`: one or more configs → Dockerfile(s), docker-bake.hcl and the base images, written into a fresh
// folder that replaces the output folder only when everything succeeded (a failed export writes nothing).
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { Config } from '../config/types.js';
import { AirlockError } from '../errors.js';
import type { Image } from '../image/image.js';
import type { Log } from '../log.js';
import { writeLayout, type TaggedImage } from '../sinks/oci-layout.js';
import { writeImage } from '../sinks/open-image.js';
import { parseRegistryRef } from '../sinks/ref.js';
import { renderBake, type BakeService } from './bake.js';
import { renderBasesGuide } from './bases-guide.js';
import type { BuildPlan } from '../pipeline/plan.js';
import { OUTPUT_MARKER, OUTPUT_MARKER_TEXT } from '../pipeline/workspace.js';
import { collectFacts, type CollectOptions, type ExportFacts } from './collect.js';
import {
  checkPlanExportable, renderDockerfile, renderDockerignore, type Frontend, type RenderOptions,
} from './dockerfile.js';

export interface ExportRequest extends Omit<CollectOptions, 'exportDir'> {
  configs: { config: Config; digest: string }[];
  format: 'dockerfile' | 'bake';
  outDir: string;
  frontend: Frontend;
  /** Where the bases are pushed (`HOST[:PORT][/PATH]`); without it they are written to OUT/bases, an OCI layout. */
  registry?: string;
  insecure: boolean;
}

/** The default AIRLOCK_BASES when no registry is named: a registry on the building machine. */
export const LOCAL_BASES = 'localhost:5000';

export interface ExportedService {
  name: string;
  dockerfile: string;
  bases: { builder: string; runtime: string };
}

interface Rendered { facts: ExportFacts; dir: string; opts: RenderOptions; dockerfile: string; ignore: string }

const baseRepos = (name: string) => ({ builder: `${name}-builder`, runtime: `${name}-runtime` });

/** Collects, renders, writes (and pushes) an export; returns where each service's Dockerfile is. */
export async function runExport(req: ExportRequest): Promise<ExportedService[]> {
  const names = req.configs.map((c) => c.config.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) {
    throw new AirlockError('usage', 'export-duplicate-service', `two configs are both named ${twice}`, {
      location: 'name', hint: 'give each service its own name',
    });
  }
  const prefix = req.registry ? registryPrefix(req.registry) : LOCAL_BASES;
  const rendered: Rendered[] = [];
  for (const { config, digest } of req.configs) {
    req.log.info(`export ${config.name}: running the plan's stages (steps replayed from the step cache)`);
    const check = (plan: BuildPlan) => checkPlanExportable(plan, req.frontend);
    const facts = await collectFacts(config, digest, { ...req, exportDir: req.outDir }, check);
    const repos = baseRepos(config.name);
    const opts: RenderOptions = {
      frontend: req.frontend, basesPrefix: prefix,
      bases: {
        builder: { repo: repos.builder, digest: facts.bases.builder.digest },
        runtime: { repo: repos.runtime, digest: facts.bases.runtime.digest },
      },
    };
    const dir = req.configs.length === 1 ? '' : config.name;
    rendered.push({ facts, dir, opts, dockerfile: renderDockerfile(facts, opts), ignore: renderDockerignore(facts) });
  }
  const bases: TaggedImage[] = rendered.flatMap((r) => [
    { tag: r.opts.bases.builder.repo, image: r.facts.bases.builder },
    { tag: r.opts.bases.runtime.repo, image: r.facts.bases.runtime },
  ]);
  const tmp = join(dirname(req.outDir), `.${basename(req.outDir)}.export-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  try {
    await mkdir(tmp, { recursive: true });
    // Marked as airlock output: a build whose source holds the export leaves it out of the context.
    await writeFile(join(tmp, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
    for (const r of rendered) {
      await mkdir(join(tmp, r.dir), { recursive: true });
      await writeFile(join(tmp, r.dir, 'Dockerfile'), r.dockerfile);
      await writeFile(join(tmp, r.dir, 'Dockerfile.dockerignore'), r.ignore);
    }
    if (req.format === 'bake') {
      await writeFile(join(tmp, 'docker-bake.hcl'), renderBake(rendered.map((r) => bakeService(r, req.outDir))));
    }
    const guide = rendered.map((r) => ({ name: r.facts.config.name, dir: r.dir, bases: r.opts.bases }));
    await writeFile(join(tmp, 'BASES.md'), renderBasesGuide(guide, prefix, !!req.registry));
    if (req.registry) await pushBases(bases, prefix, req);
    else {
      req.log.info(`writing ${bases.length} base images to ${join(req.outDir, 'bases')}`);
      await writeLayout(join(tmp, 'bases'), bases);
    }
    await swapIn(tmp, req.outDir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return rendered.map((r) => ({
    name: r.facts.config.name, dockerfile: join(req.outDir, r.dir, 'Dockerfile'),
    bases: { builder: r.facts.bases.builder.digest, runtime: r.facts.bases.runtime.digest },
  }));
}

function bakeService(r: Rendered, outDir: string): BakeService {
  const source = r.facts.config.source;
  return {
    name: r.facts.config.name, tag: r.facts.config.tag, epoch: r.facts.plan.epoch.seconds,
    context: relative(outDir, source) || '.', dockerfile: relative(source, join(outDir, r.dir, 'Dockerfile')),
  };
}

/** `HOST[:PORT][/PATH]` checked with the one reference grammar. */
function registryPrefix(s: string): string {
  const bare = s.replace(/^docker:\/\//, '').replace(/\/+$/, '');
  const probe = parseRegistryRef(`${bare.includes('/') ? bare : `${bare}/x`}`, s);
  return bare.includes('/') ? `${probe.host}/${probe.repo}` : probe.host;
}

async function pushBases(bases: TaggedImage[], prefix: string, req: ExportRequest): Promise<void> {
  for (const b of bases) {
    const ref = parseRegistryRef(`${prefix}/${b.tag}:${tagOf(b.image)}`);
    req.log.info(`pushing ${prefix}/${b.tag}@${b.image.digest}`);
    await writeImage(ref, b.image, { insecure: req.insecure, env: req.env, log: req.log });
  }
}

/** A base's tag: its digest's first twelve hex digits (the Dockerfile uses the digest itself). */
export function tagOf(image: Image): string {
  return image.digest.slice('sha256:'.length, 'sha256:'.length + 12);
}

/** Puts the finished folder in place of the output folder (the old one, when there was one, is removed after). */
async function swapIn(tmp: string, outDir: string): Promise<void> {
  const old = join(dirname(outDir), `.${basename(outDir)}.old-${process.pid}`);
  const existed = await stat(outDir).then(() => true, () => false);
  if (existed) await rename(outDir, old);
  await rename(tmp, outDir);
  if (existed) await rm(old, { recursive: true, force: true });
}

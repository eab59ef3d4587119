// `airlock k8s --env dev|prod`: the Kubernetes manifests of one environment, on stdout or as a folder.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { AirlockError } from '../../errors.js';
import { tempPathFor, writeFileAtomic } from '../../files/atomic.js';
import { imageRef } from '../../k8s/image-ref.js';
import { appConfigName, manifestFiles, manifests, toYaml } from '../../k8s/manifests.js';
import { loadAppConfig } from '../../pipeline/app-config.js';
import type { K8sEnv } from '../../k8s/workload.js';
import { hostArchitecture } from '../../pipeline/host.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';

const usage = 'airlock k8s --env dev|prod [-c FILE] [--image REF] [--build DIR] [--out DIR]\n'
  + '   (prod is pinned by digest: REF@sha256:… or the digest in DIR/report.json;\n'
  + '    DIR = the build\'s output folder, default airlock-out beside the config)';

const bad = (message: string) => new AirlockError('usage', 'bad-arguments', message, { hint: `usage: ${usage}` });

/** The prod digest the last build recorded, when its report is there and is of this image. */
async function builtDigest(dir: string, name: string, tag: string): Promise<string | undefined> {
  const file = join(dir, 'report.json');
  if (!existsSync(file)) return undefined;
  type Report = { name?: string; tag?: string; variants?: { prod?: { digest?: string } }; indexes?: { prod?: string } };
  const report = JSON.parse(await readFile(file, 'utf8')) as Report;
  if (report.name !== name || report.tag !== tag) return undefined;
  // A multi-platform build: the index, so that each node pulls its own platform's image.
  return report.indexes?.prod ?? report.variants?.prod?.digest;
}

/** Replaces `dir` with the files at once: written into a temp folder beside it, then renamed. */
async function writeFolder(dir: string, files: Map<string, string>): Promise<void> {
  const tmp = tempPathFor(dir);
  try {
    await mkdir(tmp, { recursive: true });
    for (const [name, text] of files) await writeFileAtomic(join(tmp, name), text);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export const command: Command = {
  name: 'k8s',
  summary: 'write the Kubernetes manifests of dev or prod (Deployment, Service, ConfigMap, prod NetworkPolicies)',
  usage,
  async run(argv, ctx) {
    const { values } = parse('k8s', usage, argv, {
      env: { type: 'string' }, config: { type: 'string', short: 'c' }, image: { type: 'string' },
      build: { type: 'string' }, out: { type: 'string', short: 'o' }, quiet: { type: 'boolean', short: 'q' },
    }, false);
    if (values.env !== 'dev' && values.env !== 'prod') {
      throw bad(`k8s: --env must be dev or prod, got ${values.env ?? 'nothing'}`);
    }
    const env: K8sEnv = values.env;
    const file = resolve(ctx.cwd, values.config ?? 'airlock.yaml');
    const loaded = await loadConfig(file, { architecture: hostArchitecture() });
    for (const w of loaded.warnings) ctx.log.warn(w);
    const config = loaded.config;
    const buildDir = values.build ? resolve(ctx.cwd, values.build) : join(config.dir, 'airlock-out');
    const pinned = values.image?.includes('@') ?? false;
    const prodDigest = env === 'prod' && !pinned ? await builtDigest(buildDir, config.name, config.tag) : undefined;
    const source = { ...(values.image ? { image: values.image } : {}), ...(prodDigest ? { prodDigest } : {}) };
    const image = imageRef(config, env, source);
    const merged = await loadAppConfig(config);
    const app = merged ? { path: merged.path, base: merged.base, merged: merged[env] } : undefined;
    const objects = manifests(config, env, image, app);
    if (!values.out) {
      ctx.stdout(toYaml(objects));
      return 0;
    }
    const dir = resolve(ctx.cwd, values.out, env);
    await mkdir(resolve(ctx.cwd, values.out), { recursive: true });
    const kustomized = app ? { name: appConfigName(config), file: basename(app.path), base: app.base, merged: app.merged } : undefined;
    const files = manifestFiles(objects, kustomized);
    if (files.base) await writeFolder(resolve(ctx.cwd, values.out, 'base'), files.base);
    await writeFolder(dir, files.env);
    const base = files.base ? ` over base/ (${[...files.base.keys()].join(', ')})` : '';
    ctx.stdout(`wrote ${join(values.out, env)}/: ${[...files.env.keys()].join(', ')}${base} (image ${image})\n`);
    return 0;
  },
};

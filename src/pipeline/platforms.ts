// Multi-platform builds: a config that lists several architectures builds each one as its own single-platform build
// (its own lock, builder, steps and outputs in OUT/platforms/ARCH), then OUT gets what joins them: an OCI layout whose
// tags are image indexes with one manifest per platform, a docker-archive per variant and platform, and report.json.
import { mkdir, readdir, rename, rm, symlink } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../image/json.js';
import { BUILD_RECORD, buildRecord, restampRecord, reusableOutputs } from './build-record.js';
import type { Config } from '../config/types.js';
import type { Descriptor } from '../image/descriptor.js';
import { formatPlatform, ociPlatform } from '../image/platform.js';
import { writeFileAtomic } from '../files/atomic.js';
import { copyAttachments, findInLayout, writeIndexLayout } from '../sinks/oci-layout.js';
import { layoutImageStore } from '../sinks/layout-store.js';
import type { VariantName } from '../report/report.js';
import { archiveName } from './archive-name.js';
import { OUTPUT_MARKER, OUTPUT_MARKER_TEXT } from './workspace.js';
import { platformArchiveName, platformFolder, type PlatformsReport } from './platform-folders.js';
import { publicKeyDigest, runBuild, type BuildOptions, type BuildOutcome } from './run-build.js';
import { renderPlatformsHtml } from '../report/html.js';

const VARIANTS: VariantName[] = ['dev', 'prod', 'test'];

export interface PlatformsOutcome {
  report: PlatformsReport;
  /** Every platform's outputs were reused (nothing rebuilt). */
  reused: boolean;
  prodFailed: boolean;
}

/** Builds every architecture of the config, one after the other, then joins their outputs in `opts.outDir`. */
export async function runPlatformBuilds(config: Config, configDigest: string, opts: BuildOptions): Promise<PlatformsOutcome> {
  const { outDir, log } = opts;
  // The marker first: each platform's build leaves OUT (all platforms' outputs) out of its source context.
  await mkdir(outDir, { recursive: true });
  await writeFileAtomic(join(outDir, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
  const built: { architecture: string; outcome: BuildOutcome }[] = [];
  const archs = config.debian.architectures;
  for (const [i, architecture] of archs.entries()) {
    log.info(`==> platform ${formatPlatform(ociPlatform(architecture))} (${i + 1}/${archs.length})`);
    const one: Config = { ...config, debian: { ...config.debian, architecture } };
    const outcome = await runBuild(one, configDigest, { ...opts, outDir: platformFolder(outDir, architecture), contextOut: outDir });
    built.push({ architecture, outcome });
  }
  const prodFailed = built.some((b) => b.outcome.prodFailed);
  // What joins them is a function of each platform's images and the signing key: kept when those did not change and
  // its files are intact, else made again (then the platform folders' records are stamped anew: linking their blobs
  // into OUT/oci changed those files' ctime).
  const key = joinKey(config, built, opts.key);
  const kept = built.every((b) => b.outcome.reused) && !opts.noCache ? await reusableOutputs<PlatformsReport>(outDir, key, ['platforms']) : undefined;
  if (kept) return { report: kept, reused: true, prodFailed };
  const report = await joinPlatforms(config, outDir, built, opts.key);
  for (const b of built) {
    const dir = platformFolder(outDir, b.architecture);
    const record = await restampRecord(dir);
    if (record) await writeFileAtomic(join(dir, BUILD_RECORD), record);
  }
  await writeFileAtomic(join(outDir, BUILD_RECORD), await buildRecord(outDir, key, {}, ['platforms']));
  return { report, reused: false, prodFailed };
}

/** The key of what joins the platforms: each platform's variant digests, the names, and the signing key. */
function joinKey(config: Config, built: { architecture: string; outcome: BuildOutcome }[], key?: KeyObject): string {
  const pub = key ? publicKeyDigest(key) : null;
  const images = built.map((b) => [b.architecture, ...VARIANTS.map((v) => b.outcome.report.variants[v].digest)]);
  return createHash('sha256').update(canonicalJson({ join: 1, name: config.name, tag: config.tag, images, signingKey: pub })).digest('hex');
}

/**
 * Writes what joins the platforms into `outDir`: oci/ (an index per variant tag, made in a fresh folder and swapped
 * in), NAME-VARIANT-ARCH.tar (links to each platform's archive) and report.json. With a key the indexes are signed.
 */
async function joinPlatforms(config: Config, outDir: string, built: { architecture: string; outcome: BuildOutcome }[], key?: KeyObject): Promise<PlatformsReport> {
  const { name, tag } = config;
  const tags: [string, VariantName][] = [[`${tag}-dev`, 'dev'], [`${tag}-prod`, 'prod'], [`${tag}-test`, 'test'], [tag, 'prod']];
  const tmp = join(outDir, `.oci.tmp-${process.pid}`);
  const old = join(outDir, `.oci.old-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  const entries = [];
  for (const [t, v] of tags) {
    const images = [];
    for (const b of built) {
      const layout = join(platformFolder(outDir, b.architecture), 'oci');
      const manifest: Descriptor = await findInLayout(layout, `${tag}-${v}`);
      images.push({ platform: ociPlatform(b.architecture), layout, manifest });
    }
    entries.push({ tag: t, images });
  }
  const indexes = await writeIndexLayout(tmp, entries);
  // Each platform's signatures and attestations (cosign's sha256-<digest>.sig/.att tags) come along, so that
  // `airlock verify --platform` finds them beside the index; the index gets its own signature.
  for (const b of built) await copyAttachments(join(platformFolder(outDir, b.architecture), 'oci'), tmp);
  if (key) {
    const { signImage } = await import('../evidence/sign-image.js');
    for (const v of VARIANTS) await signImage(await layoutImageStore(tmp, { reference: `${tag}-${v}`, repository: name }), key, []);
  }
  await rename(join(outDir, 'oci'), old).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
  await rename(tmp, join(outDir, 'oci'));
  await rm(old, { recursive: true, force: true });

  const archives = {} as Record<VariantName, Record<string, string>>;
  for (const v of VARIANTS) {
    archives[v] = {};
    for (const b of built) {
      const file = platformArchiveName(name, v, b.architecture);
      // A relative symbolic link: the archive stays one file, and its stamp in the platform's record stays true.
      const target = join(outDir, file);
      await rm(target, { force: true });
      await symlink(join('platforms', b.architecture, archiveName(name, v)), target);
      archives[v][b.architecture] = file;
    }
  }
  const digestOf = (v: VariantName) => indexes[`${tag}-${v}`]!.digest;
  const report: PlatformsReport = {
    name, tag,
    platforms: built.map((b) => ({
      architecture: b.architecture, platform: formatPlatform(ociPlatform(b.architecture)), folder: `platforms/${b.architecture}`, report: b.outcome.report,
    })),
    indexes: { dev: digestOf('dev'), prod: digestOf('prod'), test: digestOf('test') },
    aliases: { [`${name}:${tag}`]: digestOf('prod') },
    outputs: { oci: 'oci', archives, platforms: 'platforms' },
    signed: !!key,
  };
  await writeFileAtomic(join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  await writeFileAtomic(join(outDir, 'report.html'), renderPlatformsHtml(report));
  // What an earlier single-platform build left at the top (its evidence, archives, why.json) is not this build's.
  const ours = new Set([OUTPUT_MARKER, BUILD_RECORD, 'oci', 'platforms', 'report.json', 'report.html', ...VARIANTS.flatMap((v) => Object.values(archives[v]))]);
  for (const e of await readdir(outDir)) if (!ours.has(e)) await rm(join(outDir, e), { recursive: true, force: true });
  return report;
}

// Benchmark: prod sizes of the language examples with slicing off and with slicing auto (the default), beside a
// hand-written Docker multi-stage build of the same project onto a locally made debian-slim (bench/dockerfiles/),
// built in the same run, next to issue #15's targets.
// airlock builds scratch copies of each example (airlock.yaml edited for slicing off) with the shared cache. Docker
// runs as a private dockerd (bench/dockerd.ts) on bases made by bench/docker-bases.ts from the host's Debian mirror;
// without a usable dockerd the Docker column says why and the rest still runs.
// Usage: node --import tsx bench/sizes.ts [--only <example>[,<example>…]]… [--no-docker] [--record <dir>]
// Prints the table to stdout and progress to stderr; writes what the images were made from to the record folder.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readDockerArchive } from '../src/sinks/docker-archive.js';
import { readLayout } from '../src/sinks/oci-layout.js';
import {
  airlockBuild, airlockCommand, copyExample, formatTable, interrupted, repoRoot, running, sharedCacheDir, stopOnSignal,
} from './common.js';
import { BASES, baseTar, basesOf, buildFlags, makeBase, versionsOf } from './docker-bases.js';
import { dockerMissing, startDockerd, type Dockerd } from './dockerd.js';
import { withSlicing } from './example-config.js';
import { measureImage, type ImageMeasure } from './image-size.js';
import { SIZE_COLUMNS, sizeRows, TARGETS, type ImageSize, type Measured, type SizesResult } from './sizes-table.js';

const EXAMPLES = Object.keys(TARGETS);
const USAGE = `usage: node --import tsx bench/sizes.ts [--only <${EXAMPLES.join('|')}>]…`
  + ' [--no-docker] [--record <dir>]   (--only takes a comma-separated list too)';

/** The command line, read once. */
function parseArgs(argv: readonly string[]): { only: string[]; docker: boolean; record: string } {
  const only: string[] = [];
  let docker = true;
  let record = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'airlock-bench', 'sizes', stamp());
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--only' && argv[i + 1]) only.push(...argv[++i]!.split(',').filter(Boolean));
    else if (a.startsWith('--only=')) only.push(...a.slice('--only='.length).split(',').filter(Boolean));
    else if (a === '--no-docker') docker = false;
    else if (a === '--record' && argv[i + 1]) record = argv[++i]!;
    else fail(a === '-h' || a === '--help' ? '' : `unknown argument ${a}`);
  }
  const unknown = only.filter((e) => !EXAMPLES.includes(e));
  if (unknown.length) fail(`no example ${unknown.join(', ')} (known: ${EXAMPLES.join(', ')})`);
  return { only: only.length ? [...new Set(only)] : EXAMPLES, docker, record };
}

function fail(msg: string): never {
  if (msg) console.error(`sizes: ${msg}`);
  console.error(USAGE);
  process.exit(2);
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

const t0 = performance.now();
const elapsed = () => (performance.now() - t0) / 1000;
const progress = (msg: string) => process.stderr.write(`[${elapsed().toFixed(1).padStart(7)} s] ${msg}\n`);
const secs = (s: number) => `${s.toFixed(1)} s`;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const firstLine = (e: unknown) => message(e).split('\n').find((l) => l.trim()) ?? 'failed';
/** "<tar> MB tar, <gz> MB gz" for progress lines. */
const both = (m: ImageSize) => `${(m.tar / 1e6).toFixed(2)} MB tar, ${(m.gz / 1e6).toFixed(2)} MB gz`;

const opts = parseArgs(process.argv.slice(2));
const work = mkdtempSync(join(tmpdir(), 'sz-')); // short: dockerd's socket lives below it
mkdirSync(opts.record, { recursive: true });
let engine: Dockerd | undefined;

let cleaning: Promise<void> | undefined;
/** Stops dockerd and removes the scratch folder, once: the signal handler and the end of the run share it. */
const cleanup = (): Promise<void> => (cleaning ??= (async () => {
  for (const c of running) c.kill('SIGTERM');
  const start = performance.now();
  await engine?.stop().catch((e: Error) => progress(`stopping dockerd: ${e.message}`));
  rmSync(work, { recursive: true, force: true });
  progress(`dockerd stopped, scratch files removed in ${secs((performance.now() - start) / 1000)}`);
})());
stopOnSignal(cleanup, progress);

/** Starts the engine and imports the bases the chosen Dockerfiles need; the reason when Docker cannot be used. */
async function startDocker(examples: readonly string[]): Promise<string | undefined> {
  if (!opts.docker) return 'not built (--no-docker)';
  const missing = dockerMissing();
  if (missing) return `dockerd unavailable: ${missing}`;
  try {
    progress('docker: starting a private dockerd');
    engine = await startDockerd(join(work, 'd'));
    progress(`docker: dockerd ${engine.version} up`);
  } catch (e) {
    return `dockerd unavailable: ${firstLine(e)}`;
  }
  const bases = [...new Set(examples.flatMap((e) => (existsSync(dockerfileOf(e)) ? basesOf(dockerfileOf(e)) : [])))];
  for (const b of bases) {
    try {
      progress(`docker: base ${b} (${existsSync(baseTar(b)) ? 'kept tarball' : 'mmdebstrap, then'} import) …`);
      const t = await makeBase(engine, b, false);
      progress(`docker: base ${b}: ${t.make ? `made in ${secs(t.make)}, ` : ''}imported in ${secs(t.import)}`);
      copyFileSync(versionsOf(baseTar(b)), join(opts.record, `${b.replace(/\W/g, '_')}.versions`));
    } catch (e) {
      return `base ${b} failed: ${firstLine(e)}`;
    }
  }
  return undefined;
}

function dockerfileOf(example: string): string {
  return join(repoRoot, 'bench', 'dockerfiles', example, 'Dockerfile');
}

/** Writes "<package> <version>" lines of a measured image to the record folder. */
function recordPackages(file: string, m: ImageMeasure): void {
  writeFileSync(join(opts.record, file), m.packages.map((p) => `${p.name} ${p.version}\n`).join(''));
}

/** airlock builds a scratch copy with slicing `mode`; prod's size from its OCI layout; the lock kept in the record. */
async function airlockProd(example: string, mode: 'off' | 'auto'): Promise<Measured> {
  const src = join(work, `${example}-${mode}`);
  const out = join(work, `${example}-${mode}-out`);
  try {
    copyExample(example, src);
    const yaml = join(src, 'airlock.yaml');
    if (mode === 'off') writeFileSync(yaml, withSlicing(readFileSync(yaml, 'utf8'), 'off'));
    progress(`${example}: airlock, slicing ${mode} …`);
    const { seconds, report } = await airlockBuild(src, out, sharedCacheDir());
    const tag = report.variants.prod.ref.slice(report.variants.prod.ref.lastIndexOf(':') + 1);
    const m = await measureImage(await readLayout(join(out, 'oci'), tag));
    const lock = join(src, 'airlock.lock.json');
    if (existsSync(lock)) copyFileSync(lock, join(opts.record, `${example}-${mode}.lock.json`));
    progress(`${example}: airlock, slicing ${mode}: ${secs(seconds)}, prod ${both(m)}`);
    return { tar: m.tar, gz: m.gz };
  } catch (e) {
    progress(`${example}: airlock, slicing ${mode}: FAILED: ${e instanceof Error ? e.message : String(e)}`);
    return { error: `failed: ${firstLine(e)}` };
  } finally {
    rmSync(src, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

/** `docker build` of the example's Dockerfile, then `docker save` and the same measure as airlock's. */
async function dockerProd(example: string, unavailable: string | undefined): Promise<Measured> {
  if (unavailable || !engine) return { error: unavailable ?? 'dockerd unavailable' };
  const dockerfile = dockerfileOf(example);
  if (!existsSync(dockerfile)) return { error: `no bench/dockerfiles/${example}/Dockerfile` };
  const src = join(work, `${example}-docker`);
  const saved = join(work, `${example}.tar`);
  const tag = `bench/${example}:prod`;
  try {
    copyExample(example, src);
    mkdirSync(join(work, 'secrets'), { recursive: true, mode: 0o700 });
    progress(`${example}: docker build …`);
    const flags = buildFlags(dockerfile, join(work, 'secrets'));
    const build = ['build', '--progress=plain', '--network=host', '-f', dockerfile, '-t', tag, ...flags, src];
    const r = await engine.docker(build);
    await engine.docker(['save', '-o', saved, tag]);
    const m = await measureImage(await readDockerArchive(saved));
    recordPackages(`${example}-docker.packages`, m);
    progress(`${example}: docker build: ${secs(r.seconds)}, prod ${both(m)}`);
    return { tar: m.tar, gz: m.gz };
  } catch (e) {
    progress(`${example}: docker: FAILED: ${e instanceof Error ? e.message : String(e)}`);
    return { error: `failed: ${firstLine(e)}` };
  } finally {
    rmSync(src, { recursive: true, force: true });
    rmSync(saved, { force: true });
  }
}

/** The slim base's own size, to compare with the official debian:bookworm-slim it stands for. */
async function slimBaseNote(): Promise<string | undefined> {
  const name = 'bench/bookworm-slim';
  if (!engine || !existsSync(baseTar(name))) return undefined;
  const saved = join(work, 'slim-base.tar');
  await engine.docker(['save', '-o', saved, name]);
  const m = await measureImage(await readDockerArchive(saved));
  rmSync(saved, { force: true });
  recordPackages(`${name.replace(/\W/g, '_')}.packages`, m);
  return `${name} alone (stands for ${BASES[name]!.stands}): ${(m.tar / 1e6).toFixed(1)} MB tar, `
    + `${(m.gz / 1e6).toFixed(1)} MB gz, ${m.packages.length} packages`;
}

/** Release lines of the bases' versions files: which snapshot of the mirror the Docker images were made from. */
function releaseNotes(): string[] {
  const lines = Object.keys(BASES).filter((b) => existsSync(versionsOf(baseTar(b))))
    .flatMap((b) => readFileSync(versionsOf(baseTar(b)), 'utf8').split('\n').filter((l) => l.startsWith('# release ')));
  return [...new Set(lines)].map((l) => l.slice(2));
}

/** The three builds of one example; after a signal, the steps not yet started are not run. */
async function measureExample(example: string, unavailable: string | undefined): Promise<SizesResult> {
  const stopped: Measured = { error: 'not built (interrupted)' };
  const off = await airlockProd(example, 'off');
  const auto = interrupted() ? stopped : await airlockProd(example, 'auto');
  const docker = interrupted() ? stopped : await dockerProd(example, unavailable);
  return { example, off, auto, docker };
}

/** The lines printed under the table. */
async function tableNotes(): Promise<string[]> {
  const slim = await slimBaseNote().catch((e) => `slim base not measured: ${firstLine(e)}`);
  const built = 'BuildKit, last stage of bench/dockerfiles/<example>/Dockerfile';
  const engineNote = `docker: docker.io ${engine?.version}, ${built}`;
  return [
    ...(slim ? [slim] : []),
    ...releaseNotes().map((l) => `docker bases made from the host's mirror, ${l}`),
    ...(engine ? [engineNote] : []),
  ];
}

/** Prints the table, keeps it in the record folder and exits: 1 when a build failed. */
function report(results: readonly SizesResult[], notes: readonly string[]): never {
  const lines = [
    'prod sizes in MB (10^6 bytes) as "tar / gz": tar = the layers\' uncompressed tar lengths summed,',
    'gz = their gzip-compressed lengths summed (airlock: the layer sizes its manifest lists;',
    'Docker: each `docker save` layer gzipped at level 6, as `docker push` does); both images whole, bases included',
    `ratio = slicing auto / Docker, for tar and gz; the target applies to slicing auto`,
    '',
    ...formatTable(SIZE_COLUMNS, sizeRows(results)),
    '',
    ...notes,
    `versions recorded in ${opts.record} (airlock's locks, the Docker images' dpkg packages, the bases' Release files)`,
  ];
  for (const l of lines) console.log(l);
  writeFileSync(join(opts.record, 'table.txt'), `${lines.join('\n')}\n`);
  progress(`sizes: done in ${secs(elapsed())}`);
  // A build that failed is a failure; a Docker column empty because no dockerd could run is not.
  const failedBuild = (m: Measured) => 'error' in m && m.error.startsWith('failed:');
  const failed = results.some((r) => [r.off, r.auto, r.docker].some(failedBuild));
  process.exit(failed ? 1 : 0);
}

const results: SizesResult[] = [];
let notes: string[] = [];
try {
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  progress(`sizes: ${opts.only.join(', ')}; ${availableParallelism()} CPUs, load ${load}`);
  progress(`sizes: airlock runs as ${airlockCommand().how}, cache ${sharedCacheDir()}`);
  const unavailable = await startDocker(opts.only);
  if (unavailable) progress(`docker: ${unavailable}; the Docker column says so`);
  for (const example of opts.only) {
    if (interrupted()) break;
    results.push(await measureExample(example, unavailable));
  }
  if (!interrupted()) notes = await tableNotes();
} finally {
  await cleanup();
}
// After a signal, stopOnSignal exits once cleanup is done: no table.
if (!interrupted()) report(results, notes);

// Benchmark: airlock against a hand-written Docker multi-stage build (bench/dockerfiles/<example>/Dockerfile) on
// Debian's docker.io + BuildKit, same projects, same run, and the targets of issue #11 next to the times.
// Scenarios, in this order, on scratch copies of each example (one for airlock, one for Docker; examples/ is never
// touched): cold, no-change rebuild, a one-line change (a comment line appended to one source file), no-change again.
// Cold, by default: an empty AIRLOCK_CACHE, and a fresh Docker engine whose time counts making its base images
// (no registry is reachable: bench/docker-bases.ts makes stand-ins for debian:bookworm and debian:bookworm-slim with
// mmdebstrap from the host's mirror, then `docker import`; the Dockerfiles install their toolchains with apt).
// --warm-downloads: airlock's scratch cache links the apt lists and .debs (and npm tarballs) of the shared cache, and
// Docker's base images are imported before timing from tarballs kept under ~/.cache/airlock-bench/docker-bases
// (made there on first use; delete that folder to remake them): downloads are warm, everything else is cold.
// Docker runs as a private dockerd (bench/dockerd.ts), stopped at the end, on failure and on ^C.
// Every scenario but cold runs --repeat times (default 3; each one-line change appends another line), airlock and
// Docker one after the other each time: the table gives the median and the range (one run on a shared 2-core machine
// is noisy). Usage: node --import tsx bench/vs-docker.ts [--warm-downloads] [--repeat N] [project ...]
// (default: hello-c; also node-web, clzip)
// Prints a table to stdout and progress to stderr. Exits 0 when everything ran, missed targets included.
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import {
  airlockBuild, airlockCommand, copyExample, formatTable, interrupted, repoRoot, running, runChild, seedCache,
  stopOnSignal, type BuildReport,
} from './common.js';
import { baseTar, basesOf, buildFlags, makeBase } from './docker-bases.js';
import { dockerMissing, startDockerd, type Dockerd } from './dockerd.js';
import { debianSourceTree } from '../test/helpers/debian-source.js';

/**
 * Per project: the file the one-line change goes to, the network its Docker build needs, the no-change target (s).
 * An example comes from examples/; a `debian` project is the upstream source of that Debian source package (fetched
 * once, as the corpus test does), built with airlock's zero config (`config`).
 */
const PROJECTS: Record<string, { change: string; network: 'none' | 'host'; noChangeTarget: number; debian?: { config: string } }> = {
  'hello-c': { change: 'hello.c', network: 'host', noChangeTarget: 0.5 }, // apt-get in the build stage
  'node-web': { change: 'server.js', network: 'host', noChangeTarget: 1 }, // npm ci reaches the npm registry
  // The kind of project issue #11 measured: a real C program with a plain Makefile and about 30 files.
  clzip: { change: 'main.c', network: 'host', noChangeTarget: 1, debian: { config: 'name: clzip\nbase_language: c\nversion: gcc-12\n' } },
};

const SCENARIOS = ['cold', 'no-change', 'one-line change', 'no-change again'] as const;
type Scenario = (typeof SCENARIOS)[number];

const args = process.argv.slice(2);
const warmDownloads = args.includes('--warm-downloads');
const repeatAt = args.indexOf('--repeat');
const repeatArg = repeatAt >= 0 ? args.splice(repeatAt, 2)[1] : '3';
const repeats = /^[1-9]\d?$/.test(repeatArg ?? '') ? Number(repeatArg) : NaN;
const unknown = args.filter((a) => a.startsWith('-') && a !== '--warm-downloads');
const examples = args.filter((a) => !a.startsWith('-'));
if (examples.length === 0) examples.push('hello-c');
const unsupported = examples.filter((e) => !PROJECTS[e] || !existsSync(dockerfileOf(e)));
if (unknown.length || unsupported.length || Number.isNaN(repeats)) {
  console.error(`usage: node --import tsx bench/vs-docker.ts [--warm-downloads] [--repeat N (1-99)] [${Object.keys(PROJECTS).join('|')} ...]`);
  if (unsupported.length) console.error(`no Dockerfile or change file known for: ${unsupported.join(', ')}`);
  process.exit(2);
}
const missing = dockerMissing();
if (missing) {
  console.error(`vs-docker: ${missing}`);
  process.exit(1);
}

function dockerfileOf(example: string): string {
  return join(repoRoot, 'bench', 'dockerfiles', example, 'Dockerfile');
}

const t0 = performance.now();
const progress = (msg: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);
const secs = (s: number) => `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;

/** Appends one comment line to the change file of a project copy: the one-line source change. */
function changeOneLine(src: string, file: string, n: number): void {
  const ext = extname(file);
  const text = `vs-docker: one-line change ${n}`;
  const line = ext === '.c' || ext === '.h' ? `/* ${text} */` : ext === '.py' ? `# ${text}` : `// ${text}`;
  appendFileSync(join(src, file), `${line}\n`);
}

/** A scenario's runs: `seconds` is their median, `all` each run's time; the report or image id is the last run's. */
interface Timed { seconds: number; all: number[] }
interface Result {
  example: string;
  airlock: Partial<Record<Scenario, Timed & { report: BuildReport; first: BuildReport }>>;
  docker: Partial<Record<Scenario, Timed & { id: string; firstId: string }>>;
  dockerBases?: { seconds: number; untimed: number };
  error?: string;
}

let engine: Dockerd | undefined;
let work: string | undefined;
async function cleanup(): Promise<void> {
  for (const c of running) c.kill('SIGTERM');
  await engine?.stop().catch((e: Error) => progress(`stopping dockerd: ${e.message}`));
  engine = undefined;
  if (work) rmSync(work, { recursive: true, force: true });
  work = undefined;
}
stopOnSignal(cleanup, progress);

async function benchProject(example: string): Promise<Result> {
  const p = PROJECTS[example]!;
  const res: Result = { example, airlock: {}, docker: {} };
  const dockerfile = dockerfileOf(example);
  work = mkdtempSync(join(tmpdir(), 'vsd-')); // short: dockerd's socket lives below it
  const aSrc = join(work, 'airlock-src');
  const aOut = join(work, 'airlock-out');
  const aCache = join(work, 'airlock-cache');
  const dSrc = join(work, 'docker-src');
  if (p.debian) {
    const tree = debianSourceTree(example);
    cpSync(tree, aSrc, { recursive: true });
    cpSync(tree, dSrc, { recursive: true });
    rmSync(dirname(tree), { recursive: true, force: true });
    writeFileSync(join(aSrc, 'airlock.yaml'), p.debian.config);
  } else {
    copyExample(example, aSrc);
    copyExample(example, dSrc);
  }
  const linked = seedCache(aCache, warmDownloads ? ['apt', 'debs', 'npm'] : []);
  if (warmDownloads) progress(`${example}: airlock cache links ${linked.join(', ') || 'nothing (the shared cache is empty)'}`);
  mkdirSync(join(work, 'secrets'), { mode: 0o700 });
  const flags = buildFlags(dockerfile, join(work, 'secrets'));
  const tag = `bench/${example}:prod`;
  const dockerBuild = async () => {
    const r = await engine!.docker(['build', '--progress=plain', `--network=${p.network}`, '-f', dockerfile, '-t', tag, ...flags, dSrc]);
    const id = (await engine!.docker(['image', 'inspect', '--format', '{{.Id}}', tag])).stdout.trim();
    return { seconds: r.seconds, id };
  };

  progress(`${example}: starting a private dockerd`);
  engine = await startDockerd(join(work, 'd'));
  progress(`${example}: dockerd ${engine.version} up`);
  const bases = basesOf(dockerfile);
  if (warmDownloads) {
    let untimed = 0;
    for (const b of bases) {
      progress(`${example}: docker base ${b}: ${existsSync(baseTar(b)) ? 'importing the kept tarball' : 'making it once (mmdebstrap), then importing'} (untimed)`);
      const t = await makeBase(engine, b, false);
      untimed += t.make + t.import;
    }
    res.dockerBases = { seconds: 0, untimed };
  }

  let changes = 0;
  for (const s of SCENARIOS) {
    const runs = s === 'cold' ? 1 : repeats;
    const aTimes: number[] = [];
    const dTimes: number[] = [];
    for (let i = 1; i <= runs; i++) {
      const nth = runs > 1 ? ` (${i}/${runs})` : '';
      if (s === 'one-line change') {
        changes++;
        changeOneLine(aSrc, p.change, changes);
        changeOneLine(dSrc, p.change, changes);
      }
      progress(`${example}: airlock ${s}${nth} …`);
      const a = await airlockBuild(aSrc, aOut, aCache);
      aTimes.push(a.seconds);
      res.airlock[s] = { seconds: median(aTimes), all: [...aTimes], report: a.report, first: res.airlock[s]?.first ?? a.report };
      progress(`${example}: airlock ${s}${nth}: ${secs(a.seconds)} (prod ${a.report.variants.prod.digest.slice(7, 19)})`);
      let basesSeconds = 0;
      if (s === 'cold' && !warmDownloads) {
        for (const b of bases) {
          progress(`${example}: docker base ${b} (mmdebstrap + import) …`);
          const t = await makeBase(engine, b, true);
          basesSeconds += t.make + t.import;
          progress(`${example}: docker base ${b}: ${secs(t.make)} + import ${secs(t.import)}`);
        }
        res.dockerBases = { seconds: basesSeconds, untimed: 0 };
      }
      progress(`${example}: docker ${s}${nth} …`);
      const d = await dockerBuild();
      dTimes.push(basesSeconds + d.seconds);
      res.docker[s] = { seconds: median(dTimes), all: [...dTimes], id: d.id, firstId: res.docker[s]?.firstId ?? d.id };
      progress(`${example}: docker ${s}${nth}: ${secs(d.seconds)}${basesSeconds ? ` build + ${secs(basesSeconds)} bases` : ''}`);
    }
  }
  return res;
}

/** The median of some times (the lower middle one of an even count). */
function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** A scenario's median, with the range of its runs when there were several. */
function timed(t: Timed | undefined): string {
  if (!t) return '-';
  return t.all.length > 1 ? `${secs(t.seconds)} (${Math.min(...t.all).toFixed(2)}-${Math.max(...t.all).toFixed(2)})` : secs(t.seconds);
}

const results: Result[] = [];
progress(`vs-docker: ${examples.join(', ')}; mode ${warmDownloads ? 'warm-downloads' : 'cold'}; ${availableParallelism()} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
let dockerVersion = '';
for (const example of examples) {
  if (interrupted()) break;
  try {
    results.push(await benchProject(example));
    dockerVersion = engine?.version ?? dockerVersion;
  } catch (e) {
    dockerVersion = engine?.version ?? dockerVersion;
    progress(`${example}: FAILED: ${(e as Error).message}`);
    // The first two lines: what failed, and the error it gave.
    results.push({ example, airlock: {}, docker: {}, error: (e as Error).message.split('\n').filter(Boolean).slice(0, 2).join(' ') });
  } finally {
    progress(`${example}: stopping dockerd, removing scratch files`);
    await cleanup();
  }
}

/** Prints the table and its notes, then exits: 1 when a project failed. */
function printResults(): never {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const r of results) {
    const p = PROJECTS[r.example]!;
    for (const s of SCENARIOS) {
      const a = r.airlock[s]?.seconds;
      const d = r.docker[s]?.seconds;
      const [target, met] =
        s === 'cold' ? ['<= docker', a !== undefined && d !== undefined ? a <= d : undefined]
        : s === 'one-line change' ? ['<= 1.1x docker', a !== undefined && d !== undefined ? a <= 1.1 * d : undefined]
        : [`<= ${p.noChangeTarget} s`, a !== undefined ? a <= p.noChangeTarget : undefined];
      rows.push([r.example, s, timed(r.airlock[s]), timed(r.docker[s]), a !== undefined && d ? (a / d).toFixed(2) : '-', target, met === undefined ? '-' : met ? 'yes' : 'NO']);
    }
    if (r.error) notes.push(`${r.example}: FAILED: ${r.error}`);
    // Each no-change run is compared with the build before it: the last of the scenario before (cold, or the last change).
    const prod = (s: Scenario, which: 'first' | 'report' = 'report') => r.airlock[s]?.[which].variants.prod.digest;
    const same = (x: string | undefined, y: string | undefined) => (x && y ? (x === y ? 'yes' : 'NO') : '-');
    if (prod('cold')) {
      const noChange = (before: Scenario, s: Scenario) => same(prod(before), prod(s, 'first')) === 'yes' && same(prod(s, 'first'), prod(s)) === 'yes' ? 'yes' : same(prod(before), prod(s));
      notes.push(`${r.example}: airlock prod digest identical across no-change rebuilds: ${noChange('cold', 'no-change')} (cold -> no-change), ${noChange('one-line change', 'no-change again')} (change -> no-change again); the change ${prod('cold') === prod('one-line change') ? 'left prod as it was' : 'gave a new prod digest'}`);
    }
    if (r.docker.cold) {
      const sameId = (x: Scenario, y: Scenario) => {
        const [a, b] = [r.docker[x], r.docker[y]];
        return a && b ? (a.id === b.firstId && b.firstId === b.id ? 'yes' : 'no') : '-';
      };
      notes.push(`${r.example}: docker image id identical across no-change rebuilds: ${sameId('cold', 'no-change')}, ${sameId('one-line change', 'no-change again')}`);
    }
    if (r.dockerBases) {
      notes.push(r.dockerBases.seconds
        ? `${r.example}: docker cold = ${secs(r.dockerBases.seconds)} making its bases (mmdebstrap + docker import) + ${secs(r.docker.cold!.seconds - r.dockerBases.seconds)} docker build`
        : `${r.example}: docker bases imported before timing (${secs(r.dockerBases.untimed)}, not counted)`);
    }
  }

  console.log(`airlock vs Docker (${dockerVersion ? `docker.io ${dockerVersion}` : 'docker.io'}, BuildKit), ${availableParallelism()} CPUs, load at start ${loadavg()[0]!.toFixed(1)}`);
  console.log(warmDownloads
    ? 'mode: warm-downloads (airlock: fresh cache linking only the apt lists, .debs and npm tarballs; Docker: fresh engine, base images imported before timing)'
    : 'mode: cold (airlock: empty cache; Docker: fresh engine, cold time includes making its base images with mmdebstrap + docker import)');
  console.log(`airlock ran as ${airlockCommand().how}; docker builds the prod stage of bench/dockerfiles/<example>/Dockerfile (its tests run in the build stage); airlock builds dev, prod and test`);
  console.log(`times: cold once; every other scenario ${repeats} time(s), airlock and docker in turn, median (range); ratios of the medians`);
  console.log('');
  for (const l of formatTable(['project', 'scenario', 'airlock', 'docker', 'ratio(airlock/docker)', 'target (issue #11)', 'met'], rows)) console.log(l);
  console.log('');
  for (const n of notes) console.log(n);
  console.log(`total ${secs((performance.now() - t0) / 1000)}`);
  process.exit(results.some((r) => r.error) ? 1 : 0);
}

// After a signal, stopOnSignal exits once cleanup is done: no table.
if (!interrupted()) printResults();

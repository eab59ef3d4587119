// Docker base images for the benches, made here because no registry is reachable: `mmdebstrap --variant=minbase` of
// the host's Debian suite from the mirror its apt configuration names, with the configuration Docker's official
// Debian images carry (docker-bases/), kept as tarballs under ~/.cache/airlock-bench/docker-bases and imported into
// a private engine. What each was made from (Release dates, package versions) is written beside its tarball.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readHostSources } from '../src/debian/host-sources.js';
import { repoRoot, runChild } from './common.js';
import type { Dockerd } from './dockerd.js';

const ASSETS = join(repoRoot, 'bench', 'docker-bases');

/** A base image: slim drops docs, man pages and translations as debian:*-slim does (docker-bases/slim.dpkg.cfg). */
export interface BaseSpec { slim: boolean; stands: string }

/** The base images the Dockerfiles under bench/dockerfiles/ start from. */
export const BASES: Record<string, BaseSpec> = {
  'bench/bookworm': { slim: false, stands: 'debian:bookworm' },
  'bench/bookworm-slim': { slim: true, stands: 'debian:bookworm-slim' },
};

/** The host's Debian suite and mirror lines for mmdebstrap, read from its apt configuration now. */
export function hostMirror(): { suite: string; lines: string[]; aptopts: string[] } {
  const arch = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).stdout.trim() || 'amd64';
  const sources = readHostSources(arch);
  const suite = (sources.find((s) => !s.suite.includes('-') && !s.suite.includes('/')) ?? sources[0]!).suite;
  const ours = sources.filter((s) => s.suite === suite || s.suite.startsWith(`${suite}-`));
  const lines = ours.map((s) => {
    const options = s.signedBy ? `[signed-by=${s.signedBy}] ` : '';
    return `deb ${options}${s.uri} ${s.suite} ${s.components.join(' ')}`;
  });
  const aptopts = ours.some((s) => s.checkValidUntil === false) ? ['Acquire::Check-Valid-Until "false"'] : [];
  return { suite, lines, aptopts };
}

const mirror = hostMirror();
const baseCache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'airlock-bench', 'docker-bases');

/** The files a base is made from besides the mirror: hook, configuration copied in, slim filter. */
function assetFiles(): string[] {
  const inFolder = (d: string) => readdirSync(join(ASSETS, d)).sort().map((f) => join(ASSETS, d, f));
  const config = ['apt.conf.d', 'dpkg.cfg.d'].flatMap(inFolder);
  return [join(ASSETS, 'customize.sh'), join(ASSETS, 'slim.dpkg.cfg'), ...config];
}

/** Where base image `name` is kept as a tarball: keyed by its mmdebstrap arguments and the asset files' contents. */
export function baseTar(name: string): string {
  const h = createHash('sha256').update(JSON.stringify(mmdebstrapArgs(name, 'out.tar')));
  for (const file of assetFiles()) h.update(readFileSync(file));
  return join(baseCache, `${name.replace(/\W/g, '_')}-${h.digest('hex').slice(0, 16)}.tar`);
}

/** The file beside a base's tarball listing its Release files and package versions (docker-bases/customize.sh). */
export const versionsOf = (tar: string): string => `${tar}.versions`;

/**
 * The mmdebstrap arguments for base `name` (pure given the mirror): merged /usr made by mmdebstrap's hook as
 * debootstrap makes it for the official images (the usrmerge package would bring perl), no device nodes in the tar
 * (the engine makes /dev; debuerreotype leaves them out too), the slim filter kept in the image, and
 * docker-bases/customize.sh.
 */
export function mmdebstrapArgs(name: string, tar: string): string[] {
  const spec = BASES[name]!;
  return [
    '--quiet', '--variant=minbase', '--format=tar', '--skip=output/dev',
    '--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr',
    ...mirror.aptopts.map((o) => `--aptopt=${o}`),
    ...(spec.slim ? [`--dpkgopt=${join(ASSETS, 'slim.dpkg.cfg')}`] : []),
    `--customize-hook=${join(ASSETS, 'customize.sh')}`,
    mirror.suite, tar, ...mirror.lines,
  ];
}

/** Makes base `name` with mmdebstrap into the base cache (again when `remake`); seconds, 0 when it was kept. */
export async function makeBaseTar(name: string, remake: boolean): Promise<number> {
  const tar = baseTar(name);
  if (!remake && existsSync(tar) && existsSync(versionsOf(tar))) return 0;
  mkdirSync(baseCache, { recursive: true });
  rmSync(`${tar}.part`, { force: true });
  const env = { ...process.env, BENCH_VERSIONS_FILE: `${versionsOf(tar)}.part` };
  const r = await runChild('mmdebstrap', mmdebstrapArgs(name, `${tar}.part`), { env });
  if (r.code !== 0) throw new Error(`mmdebstrap for ${name} failed (${r.code ?? r.signal}):\n${r.stderr.slice(-2000)}`);
  renameSync(`${versionsOf(tar)}.part`, versionsOf(tar));
  renameSync(`${tar}.part`, tar);
  return r.seconds;
}

/** Makes base `name` (unless kept and `remake` is false) and imports it; seconds for each. */
export async function makeBase(
  engine: Dockerd, name: string, remake: boolean,
): Promise<{ make: number; import: number }> {
  const make = await makeBaseTar(name, remake);
  // As the official images: PATH set and bash as the command (an imported tarball has no config at all).
  const path = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  const imp = await engine.docker(['import', '--change', path, '--change', 'CMD ["bash"]', baseTar(name), name]);
  return { make, import: imp.seconds };
}

/** Base images a Dockerfile starts from (FROM lines naming one of BASES). */
export function basesOf(dockerfile: string): string[] {
  const names = [...readFileSync(dockerfile, 'utf8').matchAll(/^\s*FROM\s+(?:--\S+\s+)*(\S+)/gim)].map((m) => m[1]!);
  return [...new Set(names.filter((n) => n in BASES))];
}

/**
 * `--secret` and `--build-arg` flags for a build: the host's npm user config with its effective registry appended,
 * and its CA bundle (what airlock's npm fetch step sees too), for Dockerfiles that mount them; proxies if set.
 */
export function buildFlags(dockerfile: string, secretsDir: string): string[] {
  const text = readFileSync(dockerfile, 'utf8');
  const flags: string[] = [];
  if (text.includes('id=npmrc')) {
    const userrc = process.env.npm_config_userconfig ?? process.env.NPM_CONFIG_USERCONFIG ?? join(homedir(), '.npmrc');
    const registry = spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).stdout?.trim() ?? '';
    const rc = join(secretsDir, 'npmrc');
    writeFileSync(rc, existsSync(userrc) ? `${readFileSync(userrc, 'utf8')}\n` : '', { mode: 0o600 });
    if (/^https?:\/\//.test(registry)) appendFileSync(rc, `registry=${registry}\n`);
    flags.push('--secret', `id=npmrc,src=${rc}`);
  }
  const ca = process.env.NODE_EXTRA_CA_CERTS ?? '/etc/ssl/certs/ca-certificates.crt';
  if (text.includes('id=ca') && existsSync(ca)) flags.push('--secret', `id=ca,src=${ca}`);
  for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) {
    // A predefined build argument: kept out of the image history.
    if (process.env[k]) flags.push('--build-arg', `${k}=${process.env[k]}`);
  }
  return flags;
}

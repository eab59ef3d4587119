// The npm registry edge: resolves upstream requests with `npm view` and fetches tarballs with `npm pack`, so the
// host's npm configuration (registry, auth, proxy, CA) applies; every tarball is checked against its locked integrity
// and kept content-addressed under <cache>/npm/sha512/<hex>.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyOnce } from '../cache/verify-once.js';
import { AirlockError } from '../errors.js';
import type { Log } from '../log.js';
import { hashFile } from '../files/file-hash.js';
import { chooseVersion, integrityHex, majorsOf, parseView } from './select.js';
import type { LockedUpstream, UpstreamRequest } from './types.js';

export interface NpmOptions {
  env: NodeJS.ProcessEnv;
  log: Log;
  /** Program to run (tests point it at a fake); default "npm". */
  npm?: string;
}

interface Ran { code: number; stdout: string; stderr: string }

function run(opts: NpmOptions & { cache?: string }, args: string[], cwd?: string): Promise<Ran> {
  // npm's own cache and logs stay under the airlock cache (the host's npm configuration still applies).
  const own = opts.cache ? { npm_config_cache: join(opts.cache, 'npm', 'cacache'), npm_config_logs_max: '0' } : {};
  return new Promise((resolve, reject) => {
    const child = spawn(opts.npm ?? 'npm', args, { env: { ...opts.env, ...own, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString('utf8'); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString('utf8'); });
    child.on('error', (e) => reject(new AirlockError('packages', 'npm-unavailable', `cannot run npm: ${e.message}`, { hint: 'airlock fetches the official Node.js build with the host\'s npm; install Node.js with npm', cause: e })));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Turns a failed npm call into a clear error: not found, unreachable registry, or npm's own message. */
function npmFailure(r: Ran, what: string, spec: string): AirlockError {
  let code = '';
  let summary = '';
  try { const e = JSON.parse(r.stdout).error; code = e?.code ?? ''; summary = e?.summary ?? ''; } catch { /* not JSON */ }
  const text = `${summary}\n${r.stderr}`;
  if (code === 'E404' || /\bE404\b/.test(text)) return new AirlockError('packages', 'upstream-not-found', `${spec} is not on the npm registry (${what})`, { hint: 'check the version; `npm view` lists what the registry has' });
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|network/i.test(text)) {
    return new AirlockError('packages', 'registry-unreachable', `the npm registry cannot be reached for ${spec}: ${lastLine(text)}`, { hint: 'check the network and `npm config get registry`, or build with --offline from a filled cache' });
  }
  return new AirlockError('packages', 'npm-failed', `npm failed for ${spec} (${what}), exit ${r.code}: ${lastLine(text)}`, { hint: 'run the same `npm` command by hand to see why' });
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/^npm (error|ERR!) ?/, '').trim()).filter(Boolean);
  return lines.find((l) => !/complete log/.test(l)) ?? lines[0] ?? '';
}

/** All versions of `name` in `range` the registry has (version, integrity, license, engines.node). */
async function view(name: string, range: string, opts: NpmOptions & { cache?: string }) {
  const spec = `${name}@${range === '*' ? '>=0.0.0' : range}`;
  // `name` too, so npm never unwraps objects that happen to have a single field into bare strings.
  const r = await run(opts, ['view', spec, 'name', 'version', 'dist.integrity', 'license', 'engines.node', '--json']);
  if (r.code !== 0) throw npmFailure(r, 'npm view', spec);
  return parseView(r.stdout);
}

/**
 * Resolves upstream requests to exact versions with integrity: node first (the newest of the requested major),
 * then npm (the newest whose engines accept that node). `toolchainName` names the toolchain in errors.
 */
export async function resolveUpstream(requests: readonly UpstreamRequest[], opts: NpmOptions & { offline: boolean; suite: string; cache?: string }): Promise<LockedUpstream[]> {
  if (requests.length && opts.offline) {
    throw new AirlockError('packages', 'offline-no-lock', `--offline: ${requests.map((r) => `${r.name}@${r.range}`).join(', ')} must be resolved on the npm registry, and the lock does not hold ${requests.length > 1 ? 'them' : 'it'}`, { hint: 'run `airlock lock` once online, then build with --offline' });
  }
  const ordered = [...requests].sort((a, b) => (a.role === b.role ? 0 : a.role === 'node' ? -1 : 1));
  const out: LockedUpstream[] = [];
  let nodeVersion: string | undefined;
  for (const req of ordered) {
    opts.log.info(`resolving ${req.name}@${req.range} on the npm registry`);
    let versions = [];
    try { versions = await view(req.name, req.range, opts); } catch (e) {
      if (e instanceof AirlockError && e.code === 'upstream-not-found' && req.role === 'node') {
        const all = await view(req.name, '*', opts).catch(() => []);
        throw new AirlockError('usage', 'version-unavailable', `nor is it an official build on the npm registry (${req.name} has majors ${majorsOf(all)})`, {
          location: 'version', hint: `set version to a Node.js major that ${opts.suite} or the npm registry has`,
        });
      }
      throw e;
    }
    const chosen = chooseVersion(versions, req.range, req.role === 'npm' ? nodeVersion : undefined);
    if (!chosen) {
      throw new AirlockError('packages', 'upstream-not-found', `no version of ${req.name} matches ${req.range}${req.role === 'npm' && nodeVersion ? ` and runs on node ${nodeVersion}` : ''}`, { hint: 'check the registry with `npm view`' });
    }
    if (!chosen.integrity) throw new AirlockError('packages', 'bad-integrity', `${req.name}@${chosen.version} has no integrity on the registry`, { hint: 'the registry must give a sha512 integrity' });
    integrityHex(chosen.integrity, `${req.name}@${chosen.version}`);
    if (req.role === 'node') nodeVersion = chosen.version;
    out.push({ registry: 'npm', role: req.role, name: req.name, version: chosen.version, integrity: chosen.integrity, ...(chosen.license ? { license: chosen.license } : {}) });
    opts.log.info(`locked ${req.name}@${chosen.version}`);
  }
  return out;
}

const sha512Hex = (path: string) => hashFile(path, 'sha512');

/** The cache path of a locked upstream tarball. */
export function upstreamCachePath(cache: string, p: LockedUpstream): string {
  return join(cache, 'npm', 'sha512', integrityHex(p.integrity, `${p.name}@${p.version}`));
}

/**
 * Makes sure the tarball of `p` is in the cache and matches its integrity; returns its path. A cached file that no
 * longer matches is deleted and fetched again (online) or reported (offline); it is never used.
 */
export async function fetchUpstream(p: LockedUpstream, opts: NpmOptions & { cache: string; offline: boolean; hash?: (path: string) => Promise<string> }): Promise<string> {
  const want = integrityHex(p.integrity, `${p.name}@${p.version}`);
  const dest = upstreamCachePath(opts.cache, p);
  // Hashed on first use, then trusted while its stat identity is unchanged; a mismatch deletes it.
  const state = await verifyOnce(dest, { algorithm: 'sha512', hex: want, hash: opts.hash ?? sha512Hex });
  if (state === 'ok') return dest;
  if (state === 'corrupt') opts.log.warn(`cached ${p.name}@${p.version} does not match its integrity; removed it`);
  if (opts.offline) {
    throw new AirlockError('packages', 'offline-not-cached', `--offline: ${p.name}@${p.version} is not in the cache`, { hint: 'build once online to fill the cache' });
  }
  await mkdir(join(opts.cache, 'npm', 'sha512'), { recursive: true });
  const tmp = await mkdtemp(join(opts.cache, 'npm', '.fetch-'));
  try {
    const spec = `${p.name}@${p.version}`;
    opts.log.info(`fetching ${spec} from the npm registry`);
    const r = await run(opts, ['pack', spec, '--pack-destination', tmp, '--json', '--silent'], tmp);
    if (r.code !== 0) throw npmFailure(r, 'npm pack', spec);
    const files = (await readdir(tmp)).filter((f) => f.endsWith('.tgz'));
    if (files.length !== 1) throw new AirlockError('packages', 'npm-failed', `npm pack ${spec} wrote ${files.length} tarballs`, { hint: 'run `npm pack` by hand to see why' });
    const got = join(tmp, files[0]!);
    const hex = await sha512Hex(got);
    if (hex !== want) {
      throw new AirlockError('packages', 'hash-mismatch', `${spec} from the npm registry has sha512 ${hex.slice(0, 16)}…, the lock says ${want.slice(0, 16)}…`, { hint: 'the registry served other bytes than when locking; check the registry, or `airlock lock --update` if the change is expected' });
    }
    await rename(got, dest);
    return dest;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

// Downloads locked .debs into the cache (parallel, retried, hash-verified before they enter the store).
import { createReadStream, createWriteStream, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import type { Log } from '../log.js';
import type { Lock, LockedPackage } from './types.js';
import { checkCachedDeb, commitToStore, debPath, tmpDir } from './cache.js';
import { checkControl, type ControlFacts } from './control-check.js';
import { withFileLock } from '../files/file-lock.js';

/** How to fetch: the cache, a log, offline mode, parallelism and retries. */
export interface FetchOptions {
  cacheDir: string;
  log: Log;
  offline: boolean;
  concurrency?: number;
  retries?: number;
}

class Transient extends Error {}

/** Opens a local repository file (file: URIs) as a byte stream. */
function openLocal(url: string, p: LockedPackage): AsyncIterable<Uint8Array> {
  const path = fileURLToPath(url);
  const s = createReadStream(path);
  s.on('error', () => {});
  return (async function* () {
    try {
      for await (const c of s) yield c as Buffer;
    } catch (e) {
      throw new AirlockError('packages', 'download-failed', `cannot read ${p.name} ${p.version} from ${url}: ${(e as Error).message}`, { hint: 'check the local repository path' });
    }
  })();
}

async function download(url: string, dest: string, p: LockedPackage): Promise<void> {
  if (url.startsWith('file:')) return save(openLocal(url, p), url, dest, p);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  } catch (e) {
    throw new Transient(`cannot connect: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
  }
  if (res.status >= 500 || res.status === 429) throw new Transient(`HTTP ${res.status}`);
  if (!res.ok || !res.body) {
    throw new AirlockError('packages', 'download-failed', `cannot download ${p.name} ${p.version} from ${url}: HTTP ${res.status}`, {
      hint: 'the mirror no longer has this version; run `airlock lock --update` to re-resolve',
    });
  }
  return save(res.body as unknown as AsyncIterable<Uint8Array>, url, dest, p);
}

async function save(body: AsyncIterable<Uint8Array>, url: string, dest: string, p: LockedPackage): Promise<void> {
  const h = createHash('sha256');
  const out = createWriteStream(dest);
  let n = 0;
  try {
    for await (const chunk of body) {
      h.update(chunk);
      n += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
  } catch (e) {
    out.destroy();
    if (e instanceof AirlockError) throw e;
    throw new Transient(`download interrupted: ${(e as Error).message}`);
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const sha = h.digest('hex');
  if (n !== p.size || sha !== p.sha256) {
    throw new AirlockError('packages', 'hash-mismatch', `${p.name} ${p.version} from ${url} does not match the lock: got ${n} bytes sha256 ${sha}, expected ${p.size} bytes sha256 ${p.sha256}`, {
      hint: 'the download was corrupted or the mirror changed the file; nothing was stored. Try again, or re-lock with `airlock lock --update`',
    });
  }
}

/**
 * Makes one package present and verified in the cache and returns its path; its control fields (read once per cache
 * entry) must match the lock entry, or it is refused (exit 3) whether it came from the cache or the network.
 */
export async function fetchOne(lock: Lock, p: LockedPackage, opts: FetchOptions): Promise<string> {
  const cached = await checkCachedDeb(opts.cacheDir, p.sha256, p.size);
  if (cached.verdict === 'ok') return matching(p, cached.control!, opts.cacheDir);
  const state = cached.verdict;
  if (state === 'corrupt') opts.log.warn(`cached ${p.name} ${p.version} failed its sha256 check and was discarded`);
  const repo = lock.repositories[p.repository];
  const url = `${repo?.uri.replace(/\/+$/, '')}/${p.filename}`;
  if (opts.offline) {
    const what = state === 'corrupt' ? 'corrupted' : 'not';
    const message = `offline, and ${p.name} ${p.version} is ${what} in the cache (${url})`;
    throw new AirlockError('packages', 'offline-not-cached', message, {
      hint: 'run once without --offline to download it',
    });
  }
  await withFileLock(join(opts.cacheDir, 'debs', 'locks', `${p.sha256}.lock`), async () => {
    if ((await checkCachedDeb(opts.cacheDir, p.sha256, p.size)).verdict === 'ok') return;
    const tmps = tmpDir(opts.cacheDir);
    for (const f of readdirSync(tmps)) if (f.startsWith(`${p.sha256}.`)) rmSync(join(tmps, f), { force: true }); // killed runs
    const tmp = join(tmps, `${p.sha256}.${process.pid}.part`);
    const retries = opts.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        await download(url, tmp, p);
        commitToStore(opts.cacheDir, tmp, p.sha256);
        return;
      } catch (e) {
        rmSync(tmp, { force: true });
        if (!(e instanceof Transient)) throw e;
        if (attempt >= retries) {
          throw new AirlockError('packages', 'mirror-unreachable', `cannot download ${p.name} ${p.version} from ${url}: ${e.message}`, {
            hint: 'check the network, or use --offline if an earlier run cached everything', cause: e,
          });
        }
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      }
    }
  });
  const stored = await checkCachedDeb(opts.cacheDir, p.sha256, p.size);
  if (stored.verdict !== 'ok') {
    const message = `${p.name} ${p.version} left the cache right after it was stored`;
    throw new AirlockError('packages', 'not-cached', message, {
      hint: 'another process (airlock cache prune?) removed it; run the build again',
    });
  }
  return matching(p, stored.control!, opts.cacheDir);
}

/** The cached path of a package whose control fields match its lock entry (else exit 3). */
function matching(p: LockedPackage, control: ControlFacts, cacheDir: string): string {
  checkControl(p, control);
  return debPath(cacheDir, p.sha256);
}

/** Fetches every package (parallel, default 6 at a time) and returns sha256 → cached path. */
export async function fetchPackages(lock: Lock, packages: LockedPackage[], opts: FetchOptions): Promise<Map<string, string>> {
  const unique = [...new Map(packages.map((p) => [p.sha256, p])).values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const result = new Map<string, string>();
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async () => {
    while (next < unique.length && !failed) {
      const p = unique[next++]!;
      try {
        result.set(p.sha256, await fetchOne(lock, p, opts));
      } catch (e) {
        failed = true; // the other workers finish their current package and stop
        throw e;
      }
      opts.log.progress('fetching packages', ++done, unique.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 6, unique.length) }, worker));
  return new Map([...result].sort(([a], [b]) => (a < b ? -1 : 1)));
}

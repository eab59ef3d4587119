// Reads the host's apt sources (the only file-system access for sources): sources.list.d/*.sources|*.list and sources.list.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { parseDeb822Sources, parseOneLineSources, type AptSource } from './sources.js';

/** The host's enabled binary sources for `arch`; files named `*.disabled*` are skipped. */
export function readHostSources(arch: string, etcApt = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const main = join(etcApt, 'sources.list');
  if (existsSync(main)) out.push(...parseOneLineSources(readFileSync(main, 'utf8'), arch, main));
  const dir = join(etcApt, 'sources.list.d');
  const names = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const name of names) {
    if (name.includes('.disabled')) continue;
    const p = join(dir, name);
    if (name.endsWith('.sources')) out.push(...parseDeb822Sources(readFileSync(p, 'utf8'), arch, p));
    else if (name.endsWith('.list')) out.push(...parseOneLineSources(readFileSync(p, 'utf8'), arch, p));
  }
  // The host accepts expired Release files (archive snapshots): keep that policy for its own sources.
  if (hostSkipsValidUntil()) for (const s of out) s.checkValidUntil = false;
  if (out.length === 0) {
    throw new AirlockError('packages', 'no-sources', `no apt sources for ${arch} found under ${etcApt}`, {
      hint: 'add a deb822 file to /etc/apt/sources.list.d/ or give `sources` in the config',
    });
  }
  return out;
}

/** Whether the host's apt configuration sets Acquire::Check-Valid-Until to false. */
function hostSkipsValidUntil(): boolean {
  const r = spawnSync('apt-config', ['shell', 'V', 'Acquire::Check-Valid-Until/b'], { encoding: 'utf8' });
  return r.status === 0 && /V='false'/.test(r.stdout);
}

// Asks apt (simulated install on an empty status) for the full closure of a request; parses its answer and its errors.
import { AirlockError } from '../errors.js';
import type { AptDir } from './apt-dir.js';
import { exec } from './exec.js';

/** A package apt chose: name, exact version, architecture. */
export interface Chosen {
  name: string;
  version: string;
  arch: string;
}

/** Parses the `Inst name (version … [arch])` lines of `apt-get install -s`. */
export function parseSimulation(stdout: string): Chosen[] {
  const out: Chosen[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) .*\[([^\]]+)\]\)/.exec(line);
    if (m) out.push({ name: m[1]!.replace(/:[a-z0-9]+$/, ''), version: m[2]!, arch: m[3]! });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Turns a failed simulation into a distinct AirlockError: unknown package, impossible version, unsatisfiable. */
export function classifySolveFailure(output: string): AirlockError {
  const unknown = [...output.matchAll(/^E: (?:Unable to locate package (\S+)|Package '([^']+)' has no installation candidate)/gm)].map((m) => m[1] ?? m[2]);
  if (unknown.length) {
    return new AirlockError('packages', 'unknown-package', `unknown package${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      hint: 'check the spelling (apt-cache search NAME), or add the repository that provides it to `sources`',
    });
  }
  const versions = [...output.matchAll(/^E: Version '([^']+)' for '([^']+)' was not found/gm)].map((m) => `${m[2]}=${m[1]}`);
  if (versions.length) {
    return new AirlockError('packages', 'impossible-version', `no such version in the repositories: ${versions.join(', ')}`, {
      hint: 'apt-cache policy NAME lists the versions available; drop the =VERSION to take the newest',
    });
  }
  const unmet = output.split('\n').filter((l) => /(Depends|PreDepends|Conflicts|Breaks):/.test(l)).map((l) => l.trim());
  if (unmet.length || /unmet dependencies|held broken packages/.test(output)) {
    return new AirlockError('packages', 'unsatisfiable', `the requested packages cannot be installed together:\n  ${unmet.join('\n  ') || output.trim().split('\n').slice(-3).join('\n  ')}`, {
      hint: 'remove or change the conflicting package or version constraint named above',
    });
  }
  return new AirlockError('packages', 'apt-failed', `apt could not resolve the packages:\n${output.trim().split('\n').slice(-6).join('\n')}`);
}

/** Runs the simulated install of `requests` ("name" or "name=version") against an empty dpkg status. */
export async function solve(dir: AptDir, requests: string[]): Promise<Chosen[]> {
  for (const r of requests) {
    if (!/^[a-z0-9][a-z0-9+.\-]*(=[A-Za-z0-9.+~:\-]+)?$/.test(r)) {
      throw new AirlockError('packages', 'bad-package-name', `not a Debian package name or name=version: ${JSON.stringify(r)}`, {
        hint: 'package names are lowercase (e.g. libssl3); pin a version with name=version',
      });
    }
  }
  const r = await exec('apt-get', ['install', '-s', '-y', '-q', '--no-install-recommends', ...requests], { env: dir.env });
  if (r.code !== 0) throw classifySolveFailure(`${r.stdout}\n${r.stderr}`);
  return parseSimulation(r.stdout);
}

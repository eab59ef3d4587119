// A private apt directory in the cache (own etc, state, lists, cache; empty dpkg status), keyed by the sources.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSources, type AptSource } from './sources.js';

/** A private apt setup: `root` holds everything, `env` makes apt-get use only it. */
export interface AptDir {
  root: string;
  key: string;
  sources: AptSource[];
  architecture: string;
  env: Record<string, string>;
  listsDir: string;
}

/** The apt configuration file text for a private root: nothing of the host's apt state or config is read. */
export function aptConfig(root: string, architecture: string): string {
  const q = (s: string) => `"${s}"`;
  return [
    `Dir::Etc ${q(join(root, 'etc') + '/')};`,
    `Dir::Etc::Main "apt.conf";`,
    `Dir::Etc::Parts ${q(join(root, 'etc', 'apt.conf.d'))};`,
    `Dir::Etc::SourceList "/dev/null";`,
    `Dir::Etc::SourceParts ${q(join(root, 'etc', 'sources.list.d'))};`,
    `Dir::Etc::Preferences "preferences";`,
    `Dir::Etc::PreferencesParts ${q(join(root, 'etc', 'preferences.d'))};`,
    `Dir::Etc::Trusted "trusted.gpg";`,
    `Dir::Etc::TrustedParts "/etc/apt/trusted.gpg.d";`,
    `Dir::State ${q(join(root, 'state') + '/')};`,
    `Dir::State::status ${q(join(root, 'state', 'status'))};`,
    `Dir::Cache ${q(join(root, 'cache') + '/')};`,
    `Dir::Log ${q(join(root, 'log') + '/')};`,
    `APT::Architecture ${q(architecture)};`,
    `APT::Architectures { ${q(architecture)}; };`,
    `APT::Install-Recommends "false";`,
    `APT::Install-Suggests "false";`,
    `Acquire::Languages "none";`,
    `Acquire::GzipIndexes "false";`,
    `Acquire::Retries "3";`,
    `APT::Sandbox::User "root";`,
    `Acquire::http::Timeout "30";`,
    `Acquire::https::Timeout "30";`,
    '',
  ].join('\n');
}

/** Digest of the sources + architecture + keyring: the cache key of the private apt directory. */
export function sourcesKey(sources: AptSource[], architecture: string, keyring?: string): string {
  return createHash('sha256').update(`${architecture}\n${keyring ?? ''}\n${renderSources(sources, keyring)}`).digest('hex').slice(0, 24);
}

/** Creates (idempotently) the private apt directory for these sources under `<cache>/apt/<key>`. */
export function prepareAptDir(cacheDir: string, sources: AptSource[], architecture: string, keyring?: string): AptDir {
  const key = sourcesKey(sources, architecture, keyring);
  const root = join(cacheDir, 'apt', key);
  for (const d of ['etc/apt.conf.d', 'etc/sources.list.d', 'etc/preferences.d', 'state/lists/partial', 'cache/archives/partial', 'log']) {
    mkdirSync(join(root, d), { recursive: true });
  }
  const write = (rel: string, text: string) => {
    const p = join(root, rel);
    writeFileSync(`${p}.tmp-${process.pid}`, text);
    renameSync(`${p}.tmp-${process.pid}`, p);
  };
  write('apt.conf', aptConfig(root, architecture));
  write('etc/sources.list.d/airlock.sources', renderSources(sources, keyring));
  if (!existsSync(join(root, 'state', 'status'))) write('state/status', '');
  return {
    root,
    key,
    sources,
    architecture,
    listsDir: join(root, 'state', 'lists'),
    env: { APT_CONFIG: join(root, 'apt.conf'), LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' },
  };
}

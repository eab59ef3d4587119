// Real C projects for tests, fetched at test time and never committed: a Debian source package's upstream tarball,
// downloaded once with `apt-get source` (a private apt folder whose deb-src entries are the host's own sources) into
// <airlock cache>/test-sources/<package>/, then unpacked into a fresh folder for each test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareAptDir } from '../../src/debian/apt-dir.js';
import { readHostSources } from '../../src/debian/host-sources.js';
import { renderSources } from '../../src/debian/sources.js';
import { cacheDir } from './debian.js';

const STORE = join(cacheDir, 'test-sources');

/** The upstream tarball of a source package (the orig tarball, or the only tarball of a native package). */
function tarballIn(dir: string): string | undefined {
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const tars = names.filter((n) => /\.tar\.(gz|xz|bz2|zst)$/.test(n) && !n.includes('.debian.tar.'));
  return tars.find((n) => n.includes('.orig.tar.')) ?? tars[0];
}

/** Downloads the source package into the store (once) and returns its upstream tarball. */
function download(pkg: string): string {
  const dir = join(STORE, pkg);
  const known = tarballIn(dir);
  if (known) return join(dir, known);
  const apt = prepareAptDir(STORE, readHostSources('amd64'), 'amd64');
  const deb822 = renderSources(apt.sources).replace(/^Types: deb$/gm, 'Types: deb-src');
  writeFileSync(join(apt.root, 'etc', 'sources.list.d', 'airlock.sources'), deb822);
  const env = { ...process.env, ...apt.env };
  execFileSync('apt-get', ['update', '-q'], { env, stdio: 'pipe' });
  const tmp = mkdtempSync(join(STORE, `.${pkg}-`));
  // The security suite may answer 404 for a .dsc or .debian.tar while the orig tarball arrives: the tarball counts.
  const r = spawnSync('apt-get', ['source', '--download-only', '-q', pkg], { cwd: tmp, env, encoding: 'utf8' });
  const got = tarballIn(tmp);
  if (!got) throw new Error(`apt-get source ${pkg} gave no tarball (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  mkdirSync(STORE, { recursive: true });
  try { renameSync(tmp, dir); } catch { rmSync(tmp, { recursive: true, force: true }); } // another run was first
  return join(dir, tarballIn(dir)!);
}

/** A fresh folder holding the upstream source of Debian source package `pkg` (its top folder's contents). */
export function debianSourceTree(pkg: string): string {
  const tarball = download(pkg);
  const into = mkdtempSync(join(tmpdir(), `airlock-corpus-${pkg}-`));
  execFileSync('tar', ['-xf', tarball, '-C', into]);
  const top = readdirSync(into);
  return top.length === 1 ? join(into, top[0]!) : into;
}

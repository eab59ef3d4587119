// A real upstream project: GNU hello from its Debian source package (fetched with apt-get source, never committed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDir } from '../../src/debian/cache.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { runImage } from '../helpers/oci-runtime.js';

const sh = (cmd: string, args: string[], cwd?: string) => spawnSync(cmd, args, { encoding: 'utf8', cwd });

/** Downloads the upstream tarball of a Debian source package with a private apt state (cached between runs). */
function upstreamTarball(pkg: string): string {
  const dir = join(defaultCacheDir(process.env), 'test-sources', pkg);
  const found = () => (existsSync(dir) ? readdirSync(dir).find((f) => /\.orig\.tar\.(gz|xz|bz2)$/.test(f)) : undefined);
  if (found()) return join(dir, found()!);
  const apt = mkdtempSync(join(tmpdir(), 'airlock-aptsrc-'));
  try {
    mkdirSync(join(apt, 'parts'));
    mkdirSync(join(apt, 'state/lists/partial'), { recursive: true });
    mkdirSync(join(apt, 'cache/archives/partial'), { recursive: true });
    writeFileSync(join(apt, 'status'), '');
    // The host's deb822 sources, with deb-src added: the mirror is whatever this machine uses.
    for (const f of readdirSync('/etc/apt/sources.list.d').filter((f) => f.endsWith('.sources'))) {
      writeFileSync(join(apt, 'parts', f), readFileSync(join('/etc/apt/sources.list.d', f), 'utf8').replace(/^Types:.*$/gm, 'Types: deb-src'));
    }
    const opts = ['-o', 'Dir::Etc::SourceList=/dev/null', '-o', `Dir::Etc::SourceParts=${join(apt, 'parts')}`, '-o', `Dir::State=${join(apt, 'state')}`,
      '-o', `Dir::State::status=${join(apt, 'status')}`, '-o', `Dir::Cache=${join(apt, 'cache')}`, '-o', 'APT::Sandbox::User=root', '-qq'];
    const up = sh('apt-get', [...opts, 'update']);
    assert.equal(up.status, 0, up.stderr);
    mkdirSync(dir, { recursive: true });
    const src = sh('apt-get', [...opts, 'source', '--download-only', pkg], dir);
    assert.ok(found(), `apt-get source ${pkg}: ${src.stderr}`);
    return join(dir, found()!);
  } finally { rmSync(apt, { recursive: true, force: true }); }
}

describe('airlock build of GNU hello from its upstream tarball', { timeout: 40 * 60_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'airlock-upstream-'));
  const out = join(work, 'out');
  let project = '';
  let r: CliResult;
  before(async () => {
    const tarball = upstreamTarball('hello');
    assert.equal(sh('tar', ['-xf', tarball, '-C', work]).status, 0);
    project = join(work, readdirSync(work).find((d) => d.startsWith('hello-'))!);
    // The config is the only thing the user adds next to the upstream tree.
    writeFileSync(join(project, 'airlock.yaml'), 'name: gnu-hello\nbase_language: c\nversion: gcc-12\nbuild_flags:\n  hardening: maximum\n');
    // --no-cache: the steps must really run here, not replay from an earlier run's step cache.
    r = await runCli(['build', '-c', join(project, 'airlock.yaml'), '--out', out, '--no-cache']);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('configure/make/make check run in the sandbox and prod greets, read-only, as 65532', async () => {
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /==> build.steps\[0\]: \.\/configure --prefix=\/usr/);
    // The default test step chose `make check` (autotools) and its harness ran the tests.
    assert.match(r.stderr, /airlock: running make check/);
    assert.match(r.stderr, /^# PASS: +[1-9]/m);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(report.tests.status, 'ran');
    assert.equal(report.tests.passed, true);
    assert.ok(report.tests.counts.passed >= 1 && report.tests.counts.failed === 0, JSON.stringify(report.tests));
    assert.ok(report.artifacts.some((a: any) => a.path === 'usr/bin/hello'));
    assert.ok(!report.artifacts.some((a: any) => a.path.startsWith('usr/share/man/') || a.path.startsWith('usr/share/info/')), 'docs stay in dev');
    const run = await runImage(join(out, 'oci'), 'latest-prod', { readOnly: true });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'Hello, world!');
    assert.deepEqual([report.variants.prod.shells, report.variants.prod.compilers], [[], []]);
  });
});

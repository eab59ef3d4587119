// The build sandbox is sealed: a build step runs real escape attempts (test/fixtures/sandbox-probe/probe.c): /proc/1/root,
// the host's abstract and file-system unix sockets, ptrace of the process that started airlock, mount, writes outside
// /src and $AIRLOCK_OUT, the airlock process's environment (a secret set only there), and a setuid-root binary. Each
// must fail in the step. The positive control runs the same program on the host, where each attempt gets through,
// so a SEALED in the step is a real result, not a broken probe.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';

const PROBES = [
  'environ', 'proc1-root', 'abstract-socket', 'fs-socket', 'ptrace-host', 'ptrace-parent', 'vm-read-parent', 'mount',
  'write-outside', 'setuid',
];
// ptrace-host is the test process that started airlock (outside the step's pid namespace); ptrace-parent and
// vm-read-parent aim at the step's own shell, inside it, which only the step's seccomp filter refuses (Docker's
// default profile allows both on new kernels).
const SEALED = PROBES;

/** "PROBE name LEAK|SEALED detail" lines → name → {leak, detail}. */
function results(text: string): Map<string, { leak: boolean; detail: string }> {
  const out = new Map<string, { leak: boolean; detail: string }>();
  for (const m of text.matchAll(/PROBE (\S+) (LEAK|SEALED) ([^\n]*)/g)) out.set(m[1]!, { leak: m[2] === 'LEAK', detail: m[3]! });
  return out;
}

describe('sandbox probes: a build step cannot get out', { timeout: 20 * 60_000 }, () => {
  const secret = `airlock-secret-${randomBytes(8).toString('hex')}`;
  const abstract = `airlock-probe-${randomBytes(6).toString('hex')}`;
  let hostDir = '';
  let project = '';
  const servers: Server[] = [];

  before(async () => {
    hostDir = mkdtempSync(join(tmpdir(), 'airlock-probe-host-'));
    chmodSync(hostDir, 0o755);
    writeFileSync(join(hostDir, 'marker'), 'host file\n');
    for (const path of [`\0${abstract}`, join(hostDir, 'sock')]) {
      const s = createServer((c) => c.end());
      await new Promise<void>((r) => s.listen(path, r));
      servers.push(s);
    }
    project = mkdtempSync(join(tmpdir(), 'airlock-probe-src-'));
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'sandbox-probe', 'probe.c'), join(project, 'probe.c'));
  });
  after(() => {
    for (const s of servers) s.close();
    for (const d of [hostDir, project]) if (d) rmSync(d, { recursive: true, force: true });
  });

  test('positive control: on the host the same probes get through', () => {
    const probe = join(hostDir, 'probe');
    const cc = spawnSync('cc', ['-O0', '-o', probe, join(project, 'probe.c')], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    const suid = join(hostDir, 'probe-suid');
    copyFileSync(probe, suid);
    chmodSync(suid, 0o4755);
    mkdirSync(join(hostDir, 'mnt'));
    // Through a shell (the probe's parent), with the secret in the environment it inherits.
    const args = [secret, hostDir, abstract, String(process.pid)].map((a) => `'${a}'`).join(' ');
    const run = spawnSync('sh', ['-c', `${probe} ${args}; true`], {
      encoding: 'utf8', env: { ...process.env, AIRLOCK_PROBE_SECRET: secret, PROBE_MOUNT_AT: join(hostDir, 'mnt') },
    });
    // The setuid probe needs a start without root: as nobody, the setuid-root copy brings root's capabilities.
    const nobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', probe, '--setuid', suid], { encoding: 'utf8' });
    const got = results(run.stdout + nobody.stdout);
    for (const p of PROBES) assert.equal(got.get(p)?.leak, true, `control ${p}: ${JSON.stringify(got.get(p))}\n${run.stderr}${nobody.stderr}`);
  });

  test('in a build step every probe is sealed', async () => {
    const args = [secret, hostDir, abstract, String(process.pid), './probe-suid'].map((a) => `'${a}'`).join(' ');
    const config = [
      'name: probe', 'base_language: c', 'version: gcc-12', 'packages:', '  dev_packages: []', '  packages: []',
      'build:', '  steps:',
      `    - cc -O0 -o probe probe.c && cp probe probe-suid && chmod 4755 probe-suid && ./probe ${args}`,
      '    - mkdir -p "$AIRLOCK_OUT/usr/bin" && cp probe "$AIRLOCK_OUT/usr/bin/probe"',
      '  test: []', '',
    ].join('\n');
    writeFileSync(join(project, 'airlock.yaml'), config);
    const out = join(project, 'out');
    const r = await runCli(['build', '-c', join(project, 'airlock.yaml'), '--out', out, '--no-cache', '--no-gates'], {
      env: { AIRLOCK_PROBE_SECRET: secret },
    });
    const got = results(r.stdout + r.stderr);
    for (const [p, v] of got) console.log(`step ${p}: ${v.leak ? 'LEAK' : 'sealed'} (${v.detail})`);
    assert.equal(got.size, PROBES.length, `every probe ran (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
    for (const p of SEALED) assert.equal(got.get(p)?.leak, false, `${p}: ${got.get(p)?.detail}`);
    assert.equal(readFileSync(join(hostDir, 'marker'), 'utf8'), 'host file\n');
  });
});

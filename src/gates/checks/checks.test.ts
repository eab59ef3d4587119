import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGates } from '../run-gates.js';
import { dir, file, hardlink, image, link } from '../test-kit.js';
import type { FileEntry } from '../../image/entry.js';
import type { Check, GateConfig, Profile } from '../types.js';
import type { ImageConfigView } from '../fs-types.js';
import { allChecks } from './index.js';

const EPOCH = 1700000000;
const exe = (path: string, content: string | Uint8Array = '\x7fELF-not-really', over: Partial<FileEntry> = {}) => file(path, content, { mode: 0o755, ...over });
// A minimal clean image: an app binary (a real ELF), its loader, passwd with a home owned by the user.
const APP = readFileSync('/bin/true');
const LOADER = readFileSync('/lib64/ld-linux-x86-64.so.2');
const clean = (): FileEntry[] => [
  dir('app'), exe('app/server', APP), dir('etc'), file('etc/passwd', 'root:x:0:0:root:/root:/sbin/nologin\napp:x:65532:65532::/home/app:/sbin/nologin\n'),
  dir('home'), dir('home/app', { uid: 65532, gid: 65532 }), dir('lib64'), exe('lib64/ld-linux-x86-64.so.2', LOADER), dir('tmp', { mode: 0o1777 }),
];
const cfg: Partial<ImageConfigView> = { entrypoint: ['/app/server'], user: '65532:65532', created: '2023-11-14T22:13:20Z' };

function only(id: string): Check[] { return allChecks.filter((c) => c.id === id); }

async function check(id: string, layers: FileEntry[][], opts: { cfg?: Partial<ImageConfigView>; config?: GateConfig; profile?: Profile } = {}) {
  const fs = await image(layers, { ...cfg, ...opts.cfg });
  const r = await runGates(fs, { profile: opts.profile ?? 'prod', config: { epoch: EPOCH, ...opts.config }, checks: only(id) });
  assert.deepEqual(r.checks, [id], `${id} should run`);
  return r;
}

async function passes(id: string, layers: FileEntry[][], opts?: Parameters<typeof check>[2]) {
  const r = await check(id, layers, opts);
  assert.deepEqual(r.findings, [], `${id} should pass`);
  assert.equal(r.passed, true);
}

async function trips(id: string, layers: FileEntry[][], re: RegExp, opts?: Parameters<typeof check>[2]) {
  const r = await check(id, layers, opts);
  assert.equal(r.passed, false, `${id} should fail`);
  assert.ok(r.findings.some((f) => f.id === id && f.severity === 'error' && re.test(f.message)), `${id}: ${JSON.stringify(r.findings)}`);
  return r.findings;
}

describe('gate checks', () => {
  it('no-shell: by name, through symlinks, and a renamed dash/bash/busybox by content', async () => {
    await passes('no-shell', [clean()]);
    await trips('no-shell', [[...clean(), dir('bin'), exe('bin/dash'), link('bin/sh', 'dash')]], /shell 'sh' at \/bin\/sh \(-> \/bin\/dash\)/);
    await trips('no-shell', [[...clean(), dir('usr'), dir('usr/bin'), exe('usr/bin/helper', readFileSync('/bin/dash'))]], /usr\/bin\/helper is a dash shell binary/);
    await trips('no-shell', [[...clean(), exe('app/tool', readFileSync('/bin/bash'))]], /is a bash shell binary/);
    assert.ok(existsSync('/bin/busybox'), 'the Debian package busybox-static must be installed (scripts/setup.sh)');
    await trips('no-shell', [[...clean(), exe('app/bb', readFileSync('/bin/busybox'))]], /is a busybox shell binary/);
    const named = await trips('no-shell', [[...clean(), exe('bin/bash', readFileSync('/bin/bash'))]], /shell 'bash' at \/bin\/bash/);
    assert.equal(named.length, 1, 'a shell found by name is not reported twice');
    // A shell deleted in a later layer is not in the running image.
    await passes('no-shell', [[...clean(), exe('app/x', readFileSync('/bin/dash'))], [file('app/.wh.x')]]);
  });

  it('no-package-manager, no-compiler, no-debugger: by normalized name and module dirs', async () => {
    await passes('no-package-manager', [[...clean(), exe('etc/cron.daily/dpkg', '#!/bin/sh\n'), exe('usr/share/bug/dpkg')]]);
    await trips('no-package-manager', [[...clean(), dir('usr'), dir('usr/bin'), exe('usr/bin/apt-get')]], /package manager 'apt-get'/);
    await trips('no-package-manager', [[...clean(), dir('usr'), dir('usr/lib'), dir('usr/lib/python3'), dir('usr/lib/python3/dist-packages'), dir('usr/lib/python3/dist-packages/pip')]], /installed at \/usr\/lib\/python3\/dist-packages\/pip/);
    await passes('no-compiler', [[...clean(), file('usr/share/doc/gcc', 'not executable')]]);
    await trips('no-compiler', [[...clean(), exe('usr/bin/x86_64-linux-gnu-gcc-12')]], /build tool 'gcc'/);
    await trips('no-compiler', [[...clean(), exe('usr/bin/make')]], /build tool 'make'/);
    await passes('no-debugger', [clean()]);
    await trips('no-debugger', [[...clean(), exe('usr/bin/strace')]], /debugger 'strace'/);
  });

  it('non-root-user: numeric non-zero user with a home it owns', async () => {
    await passes('non-root-user', [clean()]);
    await trips('non-root-user', [clean()], /runs as root/, { cfg: { user: undefined } });
    await trips('non-root-user', [clean()], /is root/, { cfg: { user: '0:0' } });
    await trips('non-root-user', [clean()], /not numeric/, { cfg: { user: 'app' } });
    const rootHome = clean().map((e) => (e.path === 'home/app' ? dir('home/app') : e));
    await trips('non-root-user', [rootHome], /home directory \/home\/app of uid 65532 is owned by uid 0/);
  });

  it('no-setuid: setuid and setgid files, also through hardlinks', async () => {
    await passes('no-setuid', [clean()]);
    await trips('no-setuid', [[...clean(), exe('app/su', 'x', { mode: 0o4755 })]], /is setuid \(mode 4755\)/);
    await trips('no-setuid', [[...clean(), exe('app/wall', 'x', { mode: 0o2755 }), hardlink('app/wall2', 'app/wall')]], /app\/wall2 is setgid/);
  });

  it('no-world-writable: allowed only in sticky directories', async () => {
    await passes('no-world-writable', [[...clean(), file('tmp/scratch', '', { mode: 0o666 })]]);
    await trips('no-world-writable', [[...clean(), file('app/config', '', { mode: 0o666 })]], /\/app\/config is world-writable/);
    await trips('no-world-writable', [[...clean(), dir('data', { mode: 0o777 })]], /\/data is world-writable \(mode 0777\)/);
  });

  it('no-secrets: keys and tokens by content, credential files, deleted-but-shipped files; never prints the value', async () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n';
    const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    await passes('no-secrets', [[...clean(), file('etc/ssl/certs/ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB' + 'A'.repeat(60) + '\n'), file('app/readme', 'set -----BEGIN PRIVATE KEY----- marker only\n'), file('app/.env', 'DEBUG=1\nPORT=8080\n')]], { profile: 'any' });
    const f = await trips('no-secrets', [[...clean(), file('root/.ssh/id_ed25519', key)]], /OpenSSH private key in \/root\/.ssh\/id_ed25519/);
    await trips('no-secrets', [[...clean(), file('app/config.js', `module.exports = { token: "${token}" }`)]], /GitHub token/);
    await trips('no-secrets', [[...clean(), file('app/.npmrc', '//registry.example/:_authToken=abc123\n')]], /\.npmrc auth token/);
    await passes('no-secrets', [[...clean(), file('app/.npmrc', '//registry.example/:_authToken=${NPM_TOKEN}\n')]], { profile: 'any' });
    await trips('no-secrets', [[...clean(), file('app/.npmrc', '//r.example/:_authToken=${NPM_TOKEN}x\n')]], /\.npmrc auth token/);
    await trips('no-secrets', [[...clean(), file('app/.env', 'DATABASE_PASSWORD=hunter22\n')]], /\.env secret/);
    await trips('no-secrets', [[...clean(), file('root/.git-credentials', 'https://bob:s3cret@git.example\n')]], /\.git-credentials/);
    const hidden = await trips('no-secrets', [[...clean(), file('build/key.pem', '-----BEGIN RSA PRIVATE KEY-----\n' + 'MIIE'.repeat(20) + '\n')], [file('build/.wh.key.pem')]], /PEM private key .*hidden by a later layer but still shipped/);
    assert.equal(hidden[0]!.layer, 0);
    for (const x of [...f, ...hidden]) assert.ok(!x.message.includes('b3BlbnNz') && !x.message.includes('MIIE'), 'the secret is not printed');
  });

  it('no-source-leftovers: VCS, sources, objects, build files; unless source is allowed', async () => {
    await passes('no-source-leftovers', [[...clean(), file('usr/share/doc/x/examples/a.c', 'int x;'), file('app/lib/types.d.ts', '')]]);
    const f = await trips('no-source-leftovers', [[...clean(), dir('src'), dir('src/.git'), file('src/.git/HEAD', 'ref'), file('src/main.c'), file('src/util.h'), file('src/main.o'), file('src/Makefile')]], /version-control metadata \/src\/.git/);
    assert.ok(f.some((x) => /4 source\/build file\(s\) \(\*\.c, \*\.h, \*\.o, Makefile\) in \/src/.test(x.message)), JSON.stringify(f));
    const r = await runGates(await image([[file('src/main.go')]], cfg), { profile: 'prod', config: { allowSource: true }, checks: only('no-source-leftovers') });
    assert.deepEqual(r.checks, []);
  });

  it('no-source-leftovers: a dependency\'s files under node_modules are warnings, the project\'s own stay errors', async () => {
    const deps = [
      file('app/node_modules/debug/Makefile'), file('app/node_modules/side-channel/tsconfig.json', '{}'),
      file('app/node_modules/@scope/pkg/src/index.ts'), dir('app/node_modules/git-dep/.git'),
    ];
    const r = await check('no-source-leftovers', [[...clean(), file('app/dist/index.js'), ...deps]]);
    assert.equal(r.passed, true, JSON.stringify(r.findings));
    assert.equal(r.findings.length, 4, JSON.stringify(r.findings));
    assert.ok(r.findings.every((x) => x.severity === 'warning'));
    const own = await trips('no-source-leftovers', [[...clean(), file('app/tsconfig.json', '{}'), file('app/src/index.ts'), ...deps]], /in \/app\/src$/);
    assert.deepEqual(own.filter((x) => x.severity === 'error').map((x) => x.path), ['app', 'app/src']);
  });

  it('elf-hardening: only with hardening maximum; packaged files are warnings', async () => {
    const soft = readFileSync('/bin/ls'); // Debian's ls lacks BIND_NOW
    const r0 = await runGates(await image([[exe('app/ls', soft)]], cfg), { profile: 'prod', config: {}, checks: only('elf-hardening') });
    assert.deepEqual(r0.checks, [], 'off unless hardening is maximum');
    await trips('elf-hardening', [[...clean(), exe('app/ls', soft)]], /\/app\/ls lacks BIND_NOW/, { config: { hardening: 'maximum' } });
    const w = await check('elf-hardening', [[exe('app/ls', soft)]], { config: { hardening: 'maximum', packagedPaths: new Set(['app/ls']) } });
    assert.equal(w.passed, true);
    assert.ok(w.findings.some((x) => x.severity === 'warning' && /from a Debian package/.test(x.message)));
    const hard = await check('elf-hardening', [[exe('app/bash', readFileSync('/bin/bash'))]], { config: { hardening: 'maximum' } });
    assert.equal(hard.passed, true, JSON.stringify(hard.findings)); // bash is PIE, full RELRO, SSP, FORTIFY; only CET is a warning
    assert.ok(hard.findings.every((x) => x.severity === 'warning' && /CET/.test(x.message)));
  });

  it('elf-hardening: a stack protector is proven by an import or the recorded switches, else only a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-ssp-'));
    try {
      writeFileSync(join(dir, 'hi.c'), '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n');
      const build = (name: string, flags: string[]) => {
        const hard = ['-O2', '-fPIE', '-pie', '-Wl,-z,relro,-z,now'];
        execFileSync('gcc', [...hard, ...flags, '-o', join(dir, name), join(dir, 'hi.c')]);
        return exe(`app/${name}`, readFileSync(join(dir, name)));
      };
      const maximum = { config: { hardening: 'maximum' as const } };
      // The host's crt objects may lack CET marks: those warnings are not what this test is about.
      const notCet = (r: { findings: { severity: string; message: string }[] }) =>
        r.findings.filter((f) => !/CET/.test(f.message)).map((f) => [f.severity, f.message]);
      const recorded = await check('elf-hardening', [[build('recorded', ['-fstack-protector-strong', '-frecord-gcc-switches'])]], maximum);
      assert.deepEqual([recorded.passed, notCet(recorded)], [true, []]);
      const plain = await check('elf-hardening', [[build('plain', ['-fstack-protector-strong'])]], maximum);
      assert.equal(plain.passed, true, 'an unproven verdict never fails a build');
      assert.deepEqual(notCet(plain), [
        ['warning', '/app/plain: stack protector not proven (no __stack_chk_fail import (none is needed without local arrays), no recorded compiler switches)'],
      ]);
      const off = build('off', ['-fno-stack-protector', '-frecord-gcc-switches']);
      await trips('elf-hardening', [[off]], /\/app\/off lacks stack protector \(1 of 1 recorded compiler command lines lack it\)/, maximum);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('reproducible-metadata: mtimes and created against the epoch', async () => {
    await passes('reproducible-metadata', [[file('a', '', { mtime: EPOCH }), file('b')]]);
    await trips('reproducible-metadata', [[file('a', '', { mtime: EPOCH }), file('b', '', { mtime: EPOCH + 5 })]], /1 entry in layer 0 have an mtime other than 1700000000 \(e.g. \/b/);
    await trips('reproducible-metadata', [[file('a')]], /created is 2020-01-01T00:00:00Z, expected 2023-11-14T22:13:20Z/, { cfg: { created: '2020-01-01T00:00:00Z' } });
    const foreign = await runGates(await image([[file('a', '', { mtime: 5 })]], cfg), { profile: 'any', checks: only('reproducible-metadata') });
    assert.equal(foreign.passed, true, 'without a known epoch, differences are warnings');
    assert.equal(foreign.findings[0]!.severity, 'warning');
  });

  it('entrypoint-exists-and-executable: missing, not executable, loops, PATH lookup, interpreters', async () => {
    await passes('entrypoint-exists-and-executable', [clean()]);
    await trips('entrypoint-exists-and-executable', [clean()], /does not exist/, { cfg: { entrypoint: ['/app/missing'] } });
    await trips('entrypoint-exists-and-executable', [clean()], /neither Entrypoint nor Cmd/, { cfg: { entrypoint: undefined, cmd: undefined } });
    await trips('entrypoint-exists-and-executable', [[...clean(), file('app/run', 'x', { mode: 0o744 })]], /not executable by user 65532/, { cfg: { entrypoint: ['/app/run'] } });
    await trips('entrypoint-exists-and-executable', [[...clean(), link('app/a', 'b'), link('app/b', 'a')]], /symlink loop/, { cfg: { entrypoint: ['/app/a'] } });
    await trips('entrypoint-exists-and-executable', [[...clean(), exe('app/start.sh', '#!/bin/sh\nexec /app/server\n')]], /needs \/bin\/sh, which is not in the image/, { cfg: { entrypoint: ['/app/start.sh'] } });
    const noLoader = clean().filter((e) => !e.path.startsWith('lib64'));
    await trips('entrypoint-exists-and-executable', [noLoader], /needs \/lib64\/ld-linux-x86-64.so.2/);
    await passes('entrypoint-exists-and-executable', [[...clean(), dir('usr'), dir('usr/bin'), link('usr/bin/server', '/app/server')]], { cfg: { entrypoint: undefined, cmd: ['server'] } });
  });

  it('size-budget: all layers count, including hidden files', async () => {
    await passes('size-budget', [[file('a', 'x'.repeat(1000))]], { config: { maxSize: '1KB' } });
    await trips('size-budget', [[file('a', 'x'.repeat(1000))], [file('.wh.a'), file('b', 'y'.repeat(100))]], /1100 bytes\), over the 1000 B budget/, { config: { maxSize: '1kb' } });
  });

  it('runGates: profiles select checks; passed follows error findings', async () => {
    const fs = await image([[...clean(), exe('bin/sh', readFileSync('/bin/dash'))]], cfg);
    const prod = await runGates(fs, { profile: 'prod', config: { epoch: EPOCH } });
    assert.equal(prod.passed, false);
    assert.ok(prod.checks.includes('no-shell') && !prod.checks.includes('elf-hardening'));
    const dev = await runGates(fs, { profile: 'dev', config: { epoch: EPOCH } });
    assert.equal(dev.passed, true, JSON.stringify(dev.findings));
    assert.ok(!dev.checks.includes('no-shell'));
    assert.deepEqual(new Set(allChecks.map((c) => c.id)).size, allChecks.length);
  });
});

it('a clean image passes every prod check', async () => {
  const r = await runGates(await image([clean()], cfg), { profile: 'prod', config: { epoch: EPOCH, maxSize: '10MB' } });
  assert.deepEqual(r.findings, []);
  assert.equal(r.passed, true);
  assert.equal(r.checks.length, allChecks.length - 2, 'all but elf-hardening and no-dev-config (no app_config)');
});

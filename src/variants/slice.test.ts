// Slicing on a small synthetic runtime: ELF facts come from a fake parser (JSON in the file bytes), the rules are real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { FileEntry } from '../image/entry.js';
import { AirlockError } from '../errors.js';
import { namedPaths, pythonImports, pythonUnused, shebang, sliceRuntime, type SliceElf, type SliceInput, type SliceRoot } from './slice.js';

const T = 'x86_64-linux-gnu';
const enc = (s: string) => new TextEncoder().encode(s);
const elf = (e: Partial<SliceElf>) => enc(`ELF${JSON.stringify({ needed: [], imports: [], ...e })}`);
const parseElf = (b: Uint8Array): SliceElf | undefined => {
  const s = new TextDecoder().decode(b);
  return s.startsWith('ELF') ? JSON.parse(s.slice(3)) as SliceElf : undefined;
};

type Spec = [path: string, owner: string | undefined, content: string | Uint8Array | { link: string }];

function runtime(specs: Spec[]): Pick<SliceInput, 'entries' | 'owners'> {
  const entries: FileEntry[] = [];
  const owners = new Map<string, string>();
  const dirs = new Set<string>();
  for (const [path, owner, c] of specs) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    if (owner) owners.set(path, owner);
    if (typeof c === 'object' && 'link' in c) {
      entries.push({ path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: c.link });
    } else {
      const data = typeof c === 'string' ? enc(c) : c;
      entries.push({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: data.length, open: async function* () { yield data; } });
    }
  }
  for (const d of dirs) if (!specs.some(([p]) => p === d)) entries.push({ path: d, type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 });
  entries.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { entries, owners };
}

const LIBC: Spec[] = [
  ['lib64', undefined, { link: 'usr/lib64' }],
  ['lib', undefined, { link: 'usr/lib' }],
  ['usr/lib64/ld-linux-x86-64.so.2', 'libc6', { link: `../lib/${T}/ld-linux-x86-64.so.2` }],
  [`usr/lib/${T}/ld-linux-x86-64.so.2`, 'libc6', elf({})],
  [`usr/lib/${T}/libc.so.6`, 'libc6', elf({ interpreter: '/lib64/ld-linux-x86-64.so.2' })],
  [`usr/lib/${T}/libm.so.6`, 'libc6', elf({ needed: ['libc.so.6'] })],
  [`usr/lib/${T}/libnss_files.so.2`, 'libc6', elf({ needed: ['libc.so.6'] })],
  [`usr/lib/${T}/libnss_dns.so.2`, 'libc6', elf({ needed: ['libc.so.6'] })],
  [`usr/lib/${T}/gconv/gconv-modules`, 'libc6', 'module ISO-8859-1// INTERNAL ISO8859-1 1\n'],
  [`usr/lib/${T}/gconv/ISO8859-1.so`, 'libc6', elf({ needed: ['libc.so.6'] })],
  ['usr/lib/locale/C.utf8/LC_CTYPE', 'libc6', 'ctype'],
  ['usr/share/doc/libc6/copyright', 'libc6', 'copyright of libc6'],
  ['usr/bin/ldd', 'libc6', '#!/bin/bash\n'],
  ['etc/ld.so.conf.d/x86_64-linux-gnu.conf', 'libc6', `/usr/lib/${T}\n`],
  ['var/lib/dpkg/status.d/libc6', undefined, 'Package: libc6\n'],
  ['var/lib/dpkg/status.d/libc6.md5sums', undefined, 'stale\n'],
];

const app = (e: Partial<SliceElf>, path = 'usr/bin/app'): SliceRoot => ({ path, type: 'file', bytes: elf({ interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'], ...e }) });

async function slice(specs: Spec[], roots: SliceRoot[], more: Partial<SliceInput> = {}) {
  return sliceRuntime({ ...runtime(specs), whole: new Set(), roots, keep: [], architecture: 'amd64', parseElf, ...more });
}

const paths = (r: { entries: FileEntry[] }) => r.entries.filter((e) => e.type !== 'dir').map((e) => e.path);
const text = async (r: { entries: FileEntry[] }, path: string) => {
  const e = r.entries.find((x) => x.path === path)!;
  let s = '';
  for await (const c of e.open!()) s += new TextDecoder().decode(c);
  return s;
};

test('a C program keeps the loader, libc and their symlinks, the copyright and /etc; md5sums list only what stays', async () => {
  const r = await slice(LIBC, [app({})]);
  assert.deepEqual(paths(r), [
    'etc/ld.so.conf.d/x86_64-linux-gnu.conf', 'lib', 'lib64', `usr/lib/${T}/ld-linux-x86-64.so.2`, `usr/lib/${T}/libc.so.6`,
    'usr/lib64/ld-linux-x86-64.so.2', 'usr/share/doc/libc6/copyright', 'var/lib/dpkg/status.d/libc6', 'var/lib/dpkg/status.d/libc6.md5sums',
  ]);
  const md5 = (await text(r, 'var/lib/dpkg/status.d/libc6.md5sums')).trim().split('\n').map((l) => l.split('  ')[1]).sort();
  assert.deepEqual(md5, ['etc/ld.so.conf.d/x86_64-linux-gnu.conf', `usr/lib/${T}/ld-linux-x86-64.so.2`, `usr/lib/${T}/libc.so.6`, 'usr/share/doc/libc6/copyright']);
  const libc = r.packages.find((p) => p.name === 'libc6')!;
  assert.ok(libc.removed.includes(`usr/lib/${T}/gconv/ISO8859-1.so`) && libc.removed.includes('usr/bin/ldd'));
  assert.equal(libc.whole, false);
  assert.ok(r.digests.get(`usr/lib/${T}/libc.so.6`)?.sha256.length === 64);
  assert.ok(r.entries.some((e) => e.path === `usr/lib/${T}` && e.type === 'dir'), 'parents of kept files stay');
  assert.ok(!r.entries.some((e) => e.path === `usr/lib/${T}/gconv`), 'emptied folders go');
});

test('iconv_open imported by the program keeps the gconv modules; imported by a library only, it does not', async () => {
  const withIconv = await slice(LIBC, [app({ imports: ['iconv_open'] })]);
  assert.ok(paths(withIconv).includes(`usr/lib/${T}/gconv/ISO8859-1.so`));
  assert.ok(paths(withIconv).includes(`usr/lib/${T}/gconv/gconv-modules`));
  assert.deepEqual(withIconv.rules.map((x) => x.rule), ['gconv modules (iconv)']);
  const specs: Spec[] = [...LIBC, [`usr/lib/${T}/libstdc++.so.6`, 'libstdc++6', elf({ needed: ['libc.so.6'], imports: ['iconv_open'] })]];
  const viaLibrary = await slice(specs, [app({ needed: ['libstdc++.so.6', 'libc.so.6'] })]);
  assert.ok(paths(viaLibrary).includes(`usr/lib/${T}/libstdc++.so.6`));
  assert.ok(!paths(viaLibrary).some((p) => p.includes('gconv')), 'libstdc++ alone does not pull gconv');
});

test('user and host lookups keep the NSS modules, even when a library makes the call', async () => {
  const direct = await slice(LIBC, [app({ imports: ['getpwuid'] })]);
  assert.ok(paths(direct).includes(`usr/lib/${T}/libnss_files.so.2`) && paths(direct).includes(`usr/lib/${T}/libnss_dns.so.2`));
  const specs: Spec[] = [...LIBC, [`usr/lib/${T}/libuv.so.1`, 'libuv1', elf({ needed: ['libc.so.6'], imports: ['getaddrinfo'] })]];
  const viaLibrary = await slice(specs, [app({ needed: ['libuv.so.1', 'libc.so.6'] })]);
  assert.ok(paths(viaLibrary).includes(`usr/lib/${T}/libnss_files.so.2`));
  const none = await slice(LIBC, [app({ imports: ['printf'] })]);
  assert.ok(!paths(none).some((p) => p.includes('libnss')));
});

test('setlocale keeps the C.UTF-8 locale; libcrypto keeps the OpenSSL providers', async () => {
  const specs: Spec[] = [...LIBC,
    [`usr/lib/${T}/libcrypto.so.3`, 'libssl3', elf({ needed: ['libc.so.6'] })],
    [`usr/lib/${T}/libssl.so.3`, 'libssl3', elf({ needed: ['libcrypto.so.3', 'libc.so.6'] })],
    [`usr/lib/${T}/ossl-modules/legacy.so`, 'libssl3', elf({ needed: ['libcrypto.so.3', 'libc.so.6'] })],
    [`usr/lib/${T}/engines-3/afalg.so`, 'libssl3', elf({ needed: ['libcrypto.so.3', 'libc.so.6'] })],
  ];
  const r = await slice(specs, [app({ needed: ['libssl.so.3', 'libc.so.6'], imports: ['setlocale'] })]);
  for (const p of ['usr/lib/locale/C.utf8/LC_CTYPE', `usr/lib/${T}/ossl-modules/legacy.so`, `usr/lib/${T}/engines-3/afalg.so`]) assert.ok(paths(r).includes(p), p);
  const plain = await slice(specs, [app({})]);
  assert.ok(!paths(plain).some((p) => p.includes('ssl') || p.includes('locale')), paths(plain).join(' '));
});

test('a declared package stays whole, and the libraries its programs need come along file by file', async () => {
  const specs: Spec[] = [...LIBC,
    ['usr/bin/curl', 'curl', elf({ interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libm.so.6'] })],
    ['usr/share/curl/data.txt', 'curl', 'data'],
  ];
  const r = await slice(specs, [app({})], { whole: new Set(['curl']) });
  for (const p of ['usr/bin/curl', 'usr/share/curl/data.txt', `usr/lib/${T}/libm.so.6`]) assert.ok(paths(r).includes(p), p);
  assert.equal(r.packages.find((p) => p.name === 'curl')!.whole, true);
  assert.equal(r.packages.find((p) => p.name === 'curl')!.removed.length, 0);
});

test('an artifact needing a library no runtime package provides fails, naming both', async () => {
  await assert.rejects(slice(LIBC, [app({ needed: ['libfoo.so.1', 'libc.so.6'] }, 'usr/bin/tool')]), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.equal(e.code, 'library-missing');
    assert.match(e.message, /\/usr\/bin\/tool needs libfoo\.so\.1/);
    return true;
  });
});

test('a library among the artifacts is found there (RUNPATH $ORIGIN), and its own needs are closed', async () => {
  const r = await slice(LIBC, [
    app({ needed: ['libapp.so.1', 'libc.so.6'], runpath: '$ORIGIN/../lib' }, 'opt/app/bin/app'),
    { path: 'opt/app/lib/libapp.so.1', type: 'file', bytes: elf({ needed: ['libm.so.6'] }) },
  ]);
  assert.ok(paths(r).includes(`usr/lib/${T}/libm.so.6`));
});

test('keep: globs add files by name; a glob that matches nothing is reported', async () => {
  const r = await slice(LIBC, [app({})], { keep: ['/usr/lib/*/gconv/ISO8859-1.so', 'usr/lib/nothing/**'] });
  assert.ok(paths(r).includes(`usr/lib/${T}/gconv/ISO8859-1.so`));
  assert.deepEqual(r.unmatchedKeep, ['usr/lib/nothing/**']);
});

test('Python keeps its standard library but its test suites, and tkinter only when the app imports it', async () => {
  const specs: Spec[] = [...LIBC,
    ['usr/bin/python3', 'python3-minimal', { link: 'python3.11' }],
    ['usr/bin/python3.11', 'python3.11-minimal', elf({ interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'] })],
    ['usr/lib/python3.11/os.py', 'libpython3.11-minimal', 'import sys\n'],
    ['usr/lib/python3.11/json/__init__.py', 'libpython3.11-stdlib', ''],
    ['usr/lib/python3.11/test/test_os.py', 'libpython3.11-stdlib', ''],
    ['usr/lib/python3.11/unittest/test/test_case.py', 'libpython3.11-stdlib', ''],
    ['usr/lib/python3.11/idlelib/idle.py', 'libpython3.11-stdlib', ''],
    ['usr/lib/python3.11/tkinter/__init__.py', 'libpython3.11-stdlib', ''],
    ['usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so', 'libpython3.11-stdlib', elf({ needed: ['libc.so.6'], imports: ['getaddrinfo'] })],
    ['usr/lib/python3/dist-packages/flask/__init__.py', 'python3-flask', ''],
  ];
  const run = (src: string) => slice(specs, [{ path: 'app/main.py', type: 'file', bytes: enc(src) }], { entrypoint: ['/usr/bin/python3', '/app/main.py'] });
  const r = await run('import json\n');
  const kept = paths(r);
  for (const p of ['usr/bin/python3', 'usr/bin/python3.11', 'usr/lib/python3.11/os.py', 'usr/lib/python3.11/json/__init__.py', 'usr/lib/python3/dist-packages/flask/__init__.py', `usr/lib/${T}/libnss_files.so.2`]) {
    assert.ok(kept.includes(p), p);
  }
  for (const p of ['usr/lib/python3.11/test/test_os.py', 'usr/lib/python3.11/unittest/test/test_case.py', 'usr/lib/python3.11/idlelib/idle.py', 'usr/lib/python3.11/tkinter/__init__.py']) {
    assert.ok(!kept.includes(p), p);
  }
  assert.ok(paths(await run('from tkinter import ttk\n')).includes('usr/lib/python3.11/tkinter/__init__.py'));
});

test('pythonImports reads import and from lines; pythonUnused names the stdlib parts no app needs', () => {
  assert.deepEqual([...pythonImports('import os, json.decoder\nfrom tkinter import ttk\n  import idlelib.run\n# import test\n')].sort(), ['idlelib', 'json', 'os', 'tkinter']);
  assert.equal(pythonUnused('usr/lib/python3.11/lib2to3/main.py', new Set()), true);
  assert.equal(pythonUnused('usr/lib/python3.11/lib2to3/main.py', new Set(['lib2to3'])), false);
  assert.equal(pythonUnused('usr/lib/python3.11/ctypes/test/test_x.py', new Set()), true);
  assert.equal(pythonUnused('usr/lib/python3.11/ctypes/__init__.py', new Set()), false);
  assert.equal(pythonUnused('usr/lib/python3/dist-packages/pkg/tests/x.py', new Set()), false);
});

test('Python: help() texts, readline, curses and dbm modules go unless imported; their bytecode goes with them', async () => {
  const specs: Spec[] = [...LIBC,
    ['usr/bin/python3.11', 'python3.11-minimal', elf({ interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'] })],
    ['usr/lib/python3.11/pydoc_data/topics.py', 'libpython3.11-stdlib', 'topics = {}\n'],
    ['usr/lib/python3.11/pydoc.py', 'libpython3.11-stdlib', 'import pydoc_data\n'],
    ['usr/lib/python3.11/lib-dynload/readline.cpython-311-x86_64-linux-gnu.so', 'libpython3.11-stdlib', elf({ needed: ['libreadline.so.8', 'libc.so.6'] })],
    [`usr/lib/${T}/libreadline.so.8`, 'libreadline8', elf({ needed: ['libc.so.6'] })],
    ['usr/lib/python3.11/lib-dynload/_dbm.cpython-311-x86_64-linux-gnu.so', 'libpython3.11-stdlib', elf({ needed: ['libc.so.6'] })],
    ['usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so', 'libpython3.11-stdlib', elf({ needed: ['libc.so.6'] })],
    ['usr/lib/python3/dist-packages/shelfy/__init__.py', 'python3-shelfy', 'import shelve\n'],
  ];
  const roots = (src: string): SliceRoot[] => [
    { path: 'app/main.py', type: 'file', bytes: enc(src) },
    { path: 'usr/lib/python3.11/pydoc_data/__pycache__/topics.cpython-311.pyc', type: 'file', bytes: enc('pyc') },
    { path: 'usr/lib/python3.11/__pycache__/pydoc.cpython-311.pyc', type: 'file', bytes: enc('pyc') },
  ];
  const run = (src: string, extra: Spec[] = []) => slice([...specs, ...extra], roots(src), { entrypoint: ['/usr/bin/python3.11', '/app/main.py'] });
  const r = await run('import json\n');
  const kept = paths(r);
  assert.ok(kept.includes('usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so'));
  assert.ok(kept.includes('usr/lib/python3.11/pydoc.py'));
  for (const p of ['usr/lib/python3.11/pydoc_data/topics.py', 'usr/lib/python3.11/lib-dynload/readline.cpython-311-x86_64-linux-gnu.so', `usr/lib/${T}/libreadline.so.8`]) {
    assert.ok(!kept.includes(p), p);
  }
  assert.ok(kept.includes('usr/lib/python3.11/lib-dynload/_dbm.cpython-311-x86_64-linux-gnu.so'), 'a Debian module importing shelve keeps dbm');
  assert.deepEqual(r.orphaned, ['usr/lib/python3.11/pydoc_data/__pycache__/topics.cpython-311.pyc']);
  const interactive = await run('import readline, pydoc\n');
  assert.ok(paths(interactive).includes(`usr/lib/${T}/libreadline.so.8`) && paths(interactive).includes('usr/lib/python3.11/pydoc_data/topics.py'));
  assert.deepEqual(interactive.orphaned, []);
});

test('a script keeps its interpreter; a file a binary names by absolute path is kept', async () => {
  const named = new Uint8Array([...elf({ needed: ['libc.so.6'] }), 0, ...enc('/usr/share/nodejs/acorn/dist/acorn.js'), 0, ...enc('/usr/share/missing.js'), 0]);
  const specs: Spec[] = [...LIBC,
    ['usr/bin/python3.11', 'python3.11-minimal', elf({ interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'] })],
    ['usr/bin/python3', 'python3-minimal', { link: 'python3.11' }],
    [`usr/lib/${T}/libnode.so.108`, 'libnode108', named],
    ['usr/share/nodejs/acorn/dist/acorn.js', 'node-acorn', 'acorn'],
    ['usr/share/nodejs/acorn/package.json', 'node-acorn', '{}'],
  ];
  // The fake parser reads JSON after "ELF": give it the bytes up to the first NUL.
  const parse = (b: Uint8Array) => parseElf(b.subarray(0, b.indexOf(0) < 0 ? b.length : b.indexOf(0)));
  const r = await slice(specs, [
    { path: 'usr/local/bin/greeter', type: 'file', bytes: enc('#!/usr/bin/python3\nimport sys\n') },
    app({ needed: ['libnode.so.108', 'libc.so.6'] }),
  ], { parseElf: parse });
  for (const p of ['usr/bin/python3', 'usr/bin/python3.11', 'usr/share/nodejs/acorn/dist/acorn.js']) assert.ok(paths(r).includes(p), p);
  assert.ok(!paths(r).includes('usr/share/nodejs/acorn/package.json'));
  assert.deepEqual(r.rules.map((x) => x.rule).sort(), ['files named by absolute path in a kept binary', 'script interpreters', 'the Python standard library']);
});

test('shebang and namedPaths read interpreters and NUL-terminated absolute paths', () => {
  assert.equal(shebang(enc('#!/usr/bin/python3 -u\n')), '/usr/bin/python3');
  assert.equal(shebang(enc('#! /usr/bin/env node\n')), '/usr/bin/node');
  assert.equal(shebang(enc('#!sh\n')), undefined);
  assert.equal(shebang(enc('ELF')), undefined);
  assert.deepEqual(namedPaths(new Uint8Array([0, ...enc('/etc/hosts'), 0, ...enc('x/usr/lib/no'), 0, ...enc('/usr/lib/ssl/cert.pem'), 0])), ['/etc/hosts', '/usr/lib/ssl/cert.pem']);
});

test('each removed file says why it went, and each rule-kept file which rule kept it', async () => {
  const r = await slice(LIBC, [app({ imports: ['setlocale'] })]);
  assert.equal(r.keptBy.get('usr/lib/locale/C.utf8/LC_CTYPE'), 'the C.UTF-8 locale (setlocale)');
  assert.match(r.leftOut.get(`usr/lib/${T}/libnss_files.so.2`)!, /rule for NSS modules .* did not apply: no kept file calls getpwnam, getpwnam_r, getpwuid, getpwuid_r… \(\d+ functions\)/);
  assert.match(r.leftOut.get(`usr/lib/${T}/gconv/ISO8859-1.so`)!, /rule for gconv modules \(iconv\) did not apply: no kept program calls iconv_open$/);
  assert.match(r.leftOut.get('usr/bin/ldd')!, /^no kept file needs it/);
  const ssl = await slice([...LIBC, [`usr/lib/${T}/ossl-modules/legacy.so`, 'libssl3', elf({})]], [app({})]);
  assert.match(ssl.leftOut.get(`usr/lib/${T}/ossl-modules/legacy.so`)!, /prod keeps no libcrypto\.so\.3$/);
  assert.equal(r.leftOut.size, r.packages.reduce((n, p) => n + p.removed.length, 0), 'every removed file has a reason');
});

test('namedPaths finds what the plain regular expression finds, on random bytes and on edge cases', () => {
  // The definition, kept here as the test's oracle: a NUL, /usr|etc|opt|lib/, printable bytes, a NUL.
  const oracle = (b: Uint8Array) =>
    [...new Set(Buffer.from(b).toString('latin1').match(/(?<=\x00)\/(?:usr|etc|opt|lib)\/[\x21-\x7e]+(?=\x00)/g) ?? [])];
  const edges = [
    '\0/usr/a\0/etc/b\0', '\0/usr/\0', '\0/usr/x', '/usr/x\0', '\0/usr/x y\0', '\0/usr/a\0\0/usr/a\0', '\0/lib\0',
    '\0/opt/é\0', '\0/lib/x\x7f\0', '\0\0/etc/ok\0', 'x\0/usr/lib/x86_64-linux-gnu/libc.so.6\0/opt/z\0', '\0/us', '',
  ];
  for (const e of edges) {
    const b = new Uint8Array(Buffer.from(e, 'latin1'));
    assert.deepEqual(namedPaths(b), oracle(b), JSON.stringify(e));
  }
  // Random bytes made of pieces dense in NULs, slashes and the roots, with views at odd offsets.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  const pieces = ['\0/usr/', '\0/lib/', '\0', '\0', '/', 'usr/', 'etc/', 'lib/', 'opt/', 'us', 'x', 'y.so', ' ', '\x01', '\x7f', '\xe9'];
  let hits = 0;
  for (let round = 0; round < 300; round++) {
    let text = '';
    for (let i = 0, n = 1 + (next() % 60); i < n; i++) text += pieces[next() % pieces.length];
    const whole = new Uint8Array(Buffer.from(text, 'latin1'));
    const view = whole.subarray(next() % 3);
    const want = oracle(view);
    hits += want.length;
    assert.deepEqual(namedPaths(view), want, Buffer.from(view).toString('latin1'));
  }
  assert.ok(hits > 100, `the random inputs held paths to find (${hits})`);
});

test("a caller's kept digests name the packaged files slicing keeps (their md5sums lines and SBOM digests)", async () => {
  const kept = (path: string): [string, string, string] => [path.length.toString(16).padStart(32, '0'), 'b'.repeat(40), 'c'.repeat(64)];
  const asked: string[] = [];
  const fileDigests = async (path: string) => { asked.push(path); return kept(path); };
  const r = await slice(LIBC, [app({})], { fileDigests });
  const libc = `usr/lib/${T}/libc.so.6`;
  assert.deepEqual(r.digests.get(libc), { sha1: 'b'.repeat(40), sha256: 'c'.repeat(64) });
  const md5 = (await text(r, 'var/lib/dpkg/status.d/libc6.md5sums')).trim().split('\n');
  assert.ok(md5.includes(`${kept(libc)[0]}  ${libc}`), md5.join('\n'));
  assert.deepEqual(asked.sort(), [...r.digests.keys()].sort(), 'asked for every kept packaged file, and only those');
  // Without them, each is hashed.
  const plain = await slice(LIBC, [app({})]);
  const bytes = (await Promise.all(plain.entries.filter((e) => e.path === libc).map((e) => text(plain, e.path))))[0]!;
  assert.equal(plain.digests.get(libc)?.sha256, createHash('sha256').update(bytes).digest('hex'));
});

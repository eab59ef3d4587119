import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSources, renderSources } from './sources.js';
import { AirlockError } from '../errors.js';

const deb822 = `Types: deb deb-src
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/k.gpg

Types: deb-src
URIs: http://mirror.example/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://other.example/x
Suites: stable
Components: main
Architectures: arm64

Types: deb
Enabled: no
URIs: http://off.example/x
Suites: stable
Components: main
`;

test('deb822: expands URIs x Suites, keeps only enabled deb entries for the architecture', () => {
  const s = parseSources(deb822, 'amd64');
  assert.deepEqual(s, [
    { uri: 'http://mirror.example/debian', suite: 'bookworm', components: ['main', 'contrib'], signedBy: '/usr/share/keyrings/k.gpg' },
    { uri: 'http://mirror.example/debian', suite: 'bookworm-updates', components: ['main', 'contrib'], signedBy: '/usr/share/keyrings/k.gpg' },
  ]);
  assert.equal(parseSources(deb822, 'arm64').length, 3);
});

test('one-line: options, comments and deb-src', () => {
  const s = parseSources('# c\ndeb [arch=amd64 signed-by=/k.gpg] http://m.example/debian bookworm main non-free # tail\ndeb-src http://m.example/debian bookworm main\ndeb http://m.example/debian-security bookworm-security main\n', 'amd64');
  assert.deepEqual(s, [
    { uri: 'http://m.example/debian', suite: 'bookworm', components: ['main', 'non-free'], architectures: ['amd64'], signedBy: '/k.gpg' },
    { uri: 'http://m.example/debian-security', suite: 'bookworm-security', components: ['main'] },
  ]);
  assert.equal(parseSources('deb [arch=arm64] http://m.example/d s main\n', 'amd64').length, 0);
});

test('bad lines are AirlockErrors naming the line', () => {
  assert.throws(() => parseSources('deb\n', 'amd64', 'x.list'), (e) => e instanceof AirlockError && e.code === 'bad-sources' && /x\.list:1/.test(e.message));
  assert.throws(() => parseSources('Types: deb\nSuites: s\n', 'amd64'), (e) => e instanceof AirlockError && e.exitCode === 3);
});

test('renders deb822 with the keyring filling a missing Signed-By; round-trips', () => {
  const s = parseSources('deb http://m.example/debian bookworm main\ndeb [signed-by=/own.gpg] http://n.example/d s main\n');
  const text = renderSources(s, '/given.gpg');
  assert.match(text, /URIs: http:\/\/m\.example\/debian\nSuites: bookworm\nComponents: main\nSigned-By: \/given\.gpg/);
  assert.match(text, /Signed-By: \/own\.gpg/);
  assert.deepEqual(parseSources(text).map((x) => x.signedBy), ['/given.gpg', '/own.gpg']);
});

test('an embedded Signed-By key block survives parse and render', () => {
  const key = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----';
  const text = `Types: deb\nURIs: http://m.example/d\nSuites: s\nComponents: main\nSigned-By:\n ${key.split('\n').map((l) => l || '.').join('\n ')}\n`;
  const [src] = parseSources(text, 'amd64');
  assert.equal(src!.signedBy, key);
  const rendered = renderSources([src!]);
  assert.match(rendered, /^Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n \.\n mQINBF\n/m);
  assert.equal(parseSources(rendered)[0]!.signedBy, key);
});

test('Check-Valid-Until=no is kept (archive snapshots) in both forms and rendered', () => {
  const a = parseSources('deb [check-valid-until=no] http://m.example/d s main\n');
  const b = parseSources('Types: deb\nURIs: http://m.example/d\nSuites: s\nComponents: main\nCheck-Valid-Until: no\n');
  assert.equal(a[0]!.checkValidUntil, false);
  assert.deepEqual(a, b);
  assert.match(renderSources(a), /^Check-Valid-Until: no$/m);
  assert.equal(parseSources(renderSources(a))[0]!.checkValidUntil, false);
  assert.equal(parseSources('deb http://m.example/d s main\n')[0]!.checkValidUntil, undefined);
});

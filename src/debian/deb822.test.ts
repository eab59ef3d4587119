import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../errors.js';
import fc from 'fast-check';
import { clearsignedBody, field, formatStanza, parseDeb822 } from './deb822.js';
import { parseRelations } from './relations.js';
import { textMutations } from '../../test/helpers/mutate.js';

test('parses stanzas, continuation lines and comments', () => {
  const text = 'Package: a\nDescription: short\n long line\n .\n more\n\n# comment\nPackage: b\nversion: 1\n';
  const st = parseDeb822(text);
  assert.equal(st.length, 2);
  assert.equal(st[0]!.Description, 'short\nlong line\n\nmore');
  assert.equal(field(st[1]!, 'Version'), '1');
  assert.equal(field(st[1]!, 'Missing'), undefined);
});

test('handles CRLF and several blank lines', () => {
  assert.deepEqual(parseDeb822('A: 1\r\n\r\n\r\nB: 2\r\n'), [{ A: '1' }, { B: '2' }]);
});

test('rejects a line that is not a field with a classified error at file:line (exit 3, not internal)', () => {
  const at = (code: string, location: string, re: RegExp) => (e: unknown) =>
    e instanceof AirlockError && e.exitCode === 3 && e.code === code && e.location === location && re.test(e.message) && !!e.hint;
  assert.throws(() => parseDeb822('Package: a\nPackage a\n', 'lists/x_Packages'), at('bad-deb822', 'lists/x_Packages:2', /not a field: "Package a"/));
  assert.throws(() => parseDeb822(' continuation first\n'), at('bad-deb822', 'deb822 text:1', /continuation/));
  const truncated = '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: Debian\n';
  assert.throws(() => clearsignedBody(truncated, 'lists/x_InRelease'), at('bad-inrelease', 'lists/x_InRelease', /malformed clear-signed/));
});

test('strips an InRelease clear signature and dash-escaping', () => {
  const signed = '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: Debian\nCodename: bookworm\n- -dashed: x\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n';
  const body = clearsignedBody(signed);
  assert.equal(body, 'Origin: Debian\nCodename: bookworm\n-dashed: x\n');
  assert.equal(parseDeb822(body)[0]!.Codename, 'bookworm');
  assert.equal(clearsignedBody('A: 1\n'), 'A: 1\n');
});

test('formats stanzas with continuation lines and skips empty fields', () => {
  assert.equal(formatStanza([['Package', 'a'], ['Depends', undefined], ['Description', 'x\ny\n\nz']]), 'Package: a\nDescription: x\n y\n .\n z\n');
  const round = parseDeb822(formatStanza([['Description', 'x\n\nz']]))[0]!;
  assert.equal(round.Description, 'x\n\nz');
});

test('property: formatStanza then parseDeb822 gives the fields back', async () => {
  const fc = (await import('fast-check')).default;
  const line = fc.stringMatching(/^[A-Za-z0-9(<>=.,:+~-][A-Za-z0-9 (<>=.,:+~-]{0,20}[A-Za-z0-9)<>=.,:+~-]$/);
  const value = fc.tuple(line, fc.array(fc.oneof(line, fc.constant('')), { maxLength: 3 })).map(([a, rest]) => [a, ...rest].join('\n'));
  const name = fc.stringMatching(/^[A-Z][A-Za-z0-9-]{0,12}$/);
  fc.assert(fc.property(fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n.toLowerCase(), minLength: 1, maxLength: 6 }), (fields) => {
    const parsed = parseDeb822(formatStanza(fields));
    assert.equal(parsed.length, 1);
    assert.deepEqual(parsed[0], Object.fromEntries(fields));
  }));
});

test('fuzz: damaged InRelease and Packages text parses or fails with a classified error, never an internal one', () => {
  const inRelease = '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Debian\nCodename: bookworm\nDate: Sat, 01 Jun 2024 10:00:00 UTC\n'
    + 'SHA256:\n 0123 100 main/binary-amd64/Packages\n-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n';
  const packages = 'Package: zlib1g\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\nDepends: libc6 (>= 2.14)\nDescription: compression\n '
    + 'library\n .\n more\n\nPackage: libc6\nVersion: 2.36-9\n';
  let runs = 0;
  const check = (text: string) => {
    runs++;
    try {
      for (const st of parseDeb822(clearsignedBody(text, 'x_InRelease'), 'x_InRelease')) parseRelations(field(st, 'Depends'), 'Depends');
    } catch (e) {
      const located = e instanceof AirlockError && (e.location === 'Depends' || !!e.location?.startsWith('x_InRelease'));
      assert.ok(located && e.exitCode === 3, String(e));
    }
  };
  fc.assert(fc.property(fc.oneof(textMutations(inRelease), textMutations(packages)), check), { numRuns: 600, seed: 822 });
  fc.assert(fc.property(fc.string({ maxLength: 200 }), check), { numRuns: 200, seed: 823 });
  console.log(`deb822 fuzz: ${runs} cases`);
});
